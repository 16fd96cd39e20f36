// Discord markdown into DOM nodes: bold, italics, code, quotes, headings, spoilers, links (jump links go to the
// message on this page), mentions, custom emoji and timestamps. Text only ever goes in as text nodes, and
// links are made only from http(s) URLs. `page` gives the guild, the names seen so far and navigation.
const JUMP = /^https:\/\/discord\.com\/channels\/\d+\/(\d+)\/(\d+)$/;

export function el(tag, className, text) {
	const node = document.createElement(tag);
	if (className) node.className = className;
	if (text !== undefined) node.textContent = text;
	return node;
}

const INLINE = new RegExp(
	[
		/\\(?<escaped>[*_`~|\\[\]()#>-])/,
		/`(?<code>[^`\n]+)`/,
		/\[(?<label>[^\]\n]+)\]\((?<href>https?:\/\/[^\s)]+)\)/,
		/\*\*(?<bold>.+?)\*\*/,
		/__(?<underline>.+?)__/,
		/\*(?<italic>[^*\n]+)\*/,
		/~~(?<strike>.+?)~~/,
		/\|\|(?<spoiler>.+?)\|\|/,
		/<@!?(?<user>\d+)>/,
		/<@&(?<role>\d+)>/,
		/<#(?<channel>\d+)>/,
		/<a?:(?<emoji>\w+):\d+>/,
		/<t:(?<time>-?\d+)(?::(?<timeStyle>[tTdDfFR]))?>/,
		/@(?<everyone>everyone|here)\b/,
		/(?<url>https?:\/\/[^\s<]*[^\s<.,:;"')\]])/,
	]
		.map((pattern) => pattern.source)
		.join("|"),
	"g",
);

export function formatTime(date, style) {
	switch (style) {
		case "t":
			return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
		case "T":
			return date.toLocaleTimeString();
		case "d":
			return date.toLocaleDateString();
		case "D":
			return date.toLocaleDateString([], { dateStyle: "long" });
		case "F":
			return date.toLocaleString([], { dateStyle: "full", timeStyle: "short" });
		case "R": {
			const seconds = Math.round((date.getTime() - Date.now()) / 1000);
			const units = [
				["day", 86400],
				["hour", 3600],
				["minute", 60],
				["second", 1],
			];
			const [unit, size] = units.find(([, size]) => Math.abs(seconds) >= size) || ["second", 1];
			return new Intl.RelativeTimeFormat([], { numeric: "auto" }).format(Math.round(seconds / size), unit);
		}
		default:
			return date.toLocaleString([], { dateStyle: "long", timeStyle: "short" });
	}
}

export function link(text, href, page) {
	const jump = href.match(JUMP);
	const anchor = el("a", jump ? "jump" : "", text);
	if (jump) {
		anchor.href = `/channels/${jump[1]}#m${jump[2]}`;
		anchor.addEventListener("click", (event) => {
			event.preventDefault();
			page.jumpTo(jump[1], jump[2]);
		});
	} else {
		anchor.href = href;
		anchor.target = "_blank";
		anchor.rel = "noopener noreferrer";
	}
	return anchor;
}

function channelMention(id, page) {
	const channel = page.guild.channels.find((c) => c.id === id);
	const node = el("span", "mention", `#${channel ? channel.name : "unknown-channel"}`);
	if (channel) node.addEventListener("click", () => page.openChannel(channel.id));
	return node;
}

/** Inline markdown of one line (or of a span inside it) into `parent`. */
export function inline(text, parent, page) {
	let last = 0;
	for (const match of text.matchAll(INLINE)) {
		if (match.index > last) parent.append(text.slice(last, match.index));
		last = match.index + match[0].length;
		const g = match.groups;
		if (g.escaped) parent.append(g.escaped);
		else if (g.code) parent.append(el("code", "", g.code));
		else if (g.label) parent.append(link(g.label, g.href, page));
		else if (g.bold) inline(g.bold, parent.appendChild(el("strong")), page);
		else if (g.underline) inline(g.underline, parent.appendChild(el("u")), page);
		else if (g.italic) inline(g.italic, parent.appendChild(el("em")), page);
		else if (g.strike) inline(g.strike, parent.appendChild(el("s")), page);
		else if (g.spoiler) {
			const spoiler = parent.appendChild(el("span", "spoiler"));
			spoiler.addEventListener("click", () => spoiler.classList.add("revealed"));
			inline(g.spoiler, spoiler, page);
		} else if (g.user) parent.append(el("span", "mention", `@${page.users.get(g.user) || "unknown-user"}`));
		else if (g.role) {
			const role = page.guild.roles.find((r) => r.id === g.role);
			parent.append(el("span", "mention", `@${role ? role.name : "unknown-role"}`));
		} else if (g.channel) parent.append(channelMention(g.channel, page));
		else if (g.emoji) parent.append(el("span", "emoji", `:${g.emoji}:`));
		else if (g.time) parent.append(el("span", "timestamp", formatTime(new Date(Number(g.time) * 1000), g.timeStyle)));
		else if (g.everyone) parent.append(el("span", "mention", `@${g.everyone}`));
		else if (g.url) parent.append(link(g.url, g.url, page));
	}
	if (last < text.length) parent.append(text.slice(last));
}

/** Discord markdown: code blocks, quotes and headings by line, the rest inline. */
export function markdown(text, parent, page) {
	const blocks = text.split(/```(?:\w+\n)?([\s\S]*?)```/);
	blocks.forEach((block, i) => {
		if (i % 2 === 1) {
			parent.append(el("pre", "", block));
			return;
		}
		block.split("\n").forEach((line, n, lines) => {
			const heading = line.match(/^(#{1,3}) (.+)$/);
			const quote = line.match(/^> ?(.*)$/);
			if (heading) inline(heading[2], parent.appendChild(el("div", "heading")), page);
			else if (quote) inline(quote[1], parent.appendChild(el("blockquote")), page);
			else {
				inline(line, parent, page);
				if (n < lines.length - 1) parent.append("\n");
			}
		});
	});
	return parent;
}
