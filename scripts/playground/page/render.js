// The page's messages as Discord's client shows them: authors and avatars, grouped runs, replies, content,
// attachments, embeds and buttons; and the bot's replies to the member's interactions (thinking…, progress,
// the result and its follow-ups, "only you can see this"). `page` gives the guild, names, navigation,
// sending and dismissing.
import { el, formatTime, inline, link, markdown } from "./markdown.js";

const GROUP_MS = 7 * 60 * 1000;
const EPHEMERAL = 64;
const BOT = { id: "0", username: "Summary Bot", bot: true };

export function displayName(user) {
	return user.global_name || user.username;
}

function avatar(user) {
	// Consecutive ids (the generated members) still get hues far apart.
	const hue = Number((BigInt(user.id) * 47n) % 360n);
	const node = el("div", "avatar", displayName(user).slice(0, 1).toUpperCase());
	node.style.background = user.bot ? "#5865f2" : `hsl(${hue} 45% 45%)`;
	node.setAttribute("aria-hidden", "true");
	return node;
}

function header(user, time) {
	const head = el("div", "message-header");
	head.append(el("span", "author", displayName(user)));
	if (user.bot) head.append(el("span", "tag", "APP"));
	head.append(el("time", "time", formatTime(time)));
	return head;
}

function embedNode(embed, page) {
	const node = el("div", "embed");
	if (embed.color !== undefined) node.style.borderLeftColor = `#${embed.color.toString(16).padStart(6, "0")}`;
	if (embed.author?.name) node.append(el("div", "embed-author", embed.author.name));
	if (embed.title) {
		const title = node.appendChild(el("div", "embed-title"));
		if (embed.url && /^https?:\/\//.test(embed.url)) title.append(link(embed.title, embed.url, page));
		else inline(embed.title, title, page);
	}
	if (embed.description) markdown(embed.description, node.appendChild(el("div", "embed-description")), page);
	if (embed.fields?.length) {
		const fields = node.appendChild(el("div", "embed-fields"));
		for (const field of embed.fields) {
			const item = fields.appendChild(el("div", field.inline ? "embed-field inline" : "embed-field"));
			inline(field.name, item.appendChild(el("div", "embed-field-name")), page);
			markdown(field.value, item.appendChild(el("div", "embed-field-value")), page);
		}
	}
	if (embed.footer?.text) {
		const footer = embed.footer.text + (embed.timestamp ? ` • ${formatTime(new Date(embed.timestamp))}` : "");
		node.append(el("div", "embed-footer", footer));
	}
	return node;
}

const BUTTON_STYLES = { 1: "primary", 2: "secondary", 3: "success", 4: "danger" };

/**
 * The message's buttons, a line per action row. A click names the message it is on (`key`: its id, or for a
 * reply to an interaction, which the emulator keeps no id for, the interaction's token and the reply's place)
 * and every button of it, as Discord sends the message with a click.
 */
function componentsNode(rows, page, key) {
	const node = el("div", "components");
	const customIds = rows.flatMap((row) =>
		(row.components || []).flatMap((component) => (component.custom_id ? [component.custom_id] : [])),
	);
	for (const row of rows) {
		const line = node.appendChild(el("div", "component-row"));
		for (const component of row.components || []) {
			if (component.type !== 2) continue;
			if (component.url && /^https?:\/\//.test(component.url)) {
				line.append(link(component.label || component.url, component.url, page));
				continue;
			}
			const label = component.label || component.emoji?.name || "button";
			const button = el("button", BUTTON_STYLES[component.style] || "secondary", label);
			button.type = "button";
			button.disabled = Boolean(component.disabled);
			button.addEventListener("click", async () => {
				button.disabled = true;
				await page.send({ customId: component.custom_id, label, message: key, customIds }).finally(() => (button.disabled = false));
			});
			line.append(button);
		}
	}
	return node;
}

/** What a message says: content, attachments, embeds and buttons; `key` names it for a click on them. */
function body(message, parent, page, key) {
	if (message.content) markdown(message.content, parent.appendChild(el("div", "content")), page);
	for (const file of message.attachments || []) {
		const chip = parent.appendChild(el("div", "attachment", file.filename));
		chip.append(el("span", "size", `${Math.round(file.size / 1024)} KB`));
	}
	for (const embed of message.embeds || []) parent.append(embedNode(embed, page));
	if (message.components?.length) parent.append(componentsNode(message.components, page, key));
}

export function messageNode(message, previous, page) {
	const node = el("li", "message");
	node.id = `m${message.id}`;
	const time = new Date(message.timestamp);
	if (message.type === 7) {
		node.classList.add("first");
		node.append(el("div", "system", `→ ${displayName(message.author)} joined the server. `), el("time", "time", formatTime(time)));
		return node;
	}
	const reply = message.referenced_message;
	const grouped =
		previous && !reply && previous.type !== 7 && previous.author.id === message.author.id && time - new Date(previous.timestamp) < GROUP_MS;
	if (reply) {
		const line = node.appendChild(el("div", "reply-to"));
		line.append("↪ ", el("span", "author", `@${displayName(reply.author)}`));
		inline((reply.content || "Click to see attachment").split("\n")[0].slice(0, 120), line, page);
		line.addEventListener("click", () => page.jumpTo(message.channel_id, reply.id));
	}
	if (!grouped) {
		node.classList.add("first");
		node.append(avatar(message.author), header(message.author, time));
	}
	body(message, node, page, message.id);
	if (message.edited_timestamp) node.append(el("span", "edited", "(edited)"));
	if (!message.author.bot) {
		const actions = node.appendChild(el("div", "message-actions"));
		const fromHere = actions.appendChild(el("button", "", "Apps → Summarize from here"));
		fromHere.type = "button";
		fromHere.addEventListener("click", () => page.send({ fromHere: message.id }));
	}
	return node;
}

function isProgress(message) {
	return !message.embeds?.length && /^(Reading messages|Summarizing)/.test(message.content || "");
}

/** One interaction: who used what, the bot's answer, then its follow-ups, each as Discord lists them. */
export function replyNodes(item, page) {
	const me = page.guild.member;
	const answer = item.answer.body;
	const nodes = [];
	/** The reply's place among the interaction's messages: 0 its answer, then its follow-ups. */
	const key = () => `${item.token}:${nodes.length}`;
	const message = (content, flags) => {
		const node = el("li", "message first bot-reply");
		node.dataset.token = item.token;
		if (!nodes.length) {
			const used = node.appendChild(el("div", "used"));
			used.append("↪ ", el("span", "author", `@${displayName(me)}`), "used ", el("code", "", item.label));
		}
		node.append(avatar(BOT), header(BOT, new Date(item.sentAt)));
		content(node);
		if ((flags || 0) & EPHEMERAL) {
			const note = node.appendChild(el("div", "ephemeral-note", "Only you can see this • "));
			const dismiss = note.appendChild(el("button", "", "Dismiss message"));
			dismiss.type = "button";
			dismiss.addEventListener("click", () => page.dismiss(item.token));
		}
		nodes.push(node);
	};
	if (item.answer.status !== 200 || !answer.type) {
		message((node) =>
			node.append(el("div", "error-line", `The Worker answered ${item.answer.status}: ${answer.error || JSON.stringify(answer)}`)),
		);
		return nodes;
	}
	const flags = answer.data?.flags;
	if (answer.type === 4) message((node) => body(answer.data, node, page, key()), flags);
	else if (answer.type === 5) {
		const original = item.records.filter((record) => record.messageId === "@original").at(-1);
		if (!original || isProgress(original.body)) {
			message((node) => {
				node.append(el("div", "thinking", "Summary Bot is thinking"));
				if (original) node.append(el("div", "progress content", original.body.content));
			}, flags);
		} else message((node) => body(original.body, node, page, key()), flags);
		for (const followUp of item.records.filter((record) => record.method === "POST"))
			message((node) => body(followUp.body, node, page, key()), followUp.body.flags);
	} else message((node) => node.append(el("div", "system", `(answer of type ${answer.type})`)));
	return nodes;
}
