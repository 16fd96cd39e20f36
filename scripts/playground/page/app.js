// The playground's channel page: the guild's channels and messages as Discord's client shows them, a box
// that runs slash commands, and the bot's replies (thinking, progress, embeds with jump links, buttons),
// polled from the emulator. render.js draws messages and replies, markdown.js their text. Message content
// is attacker-controlled: every text goes in with textContent, and links are built only from http(s)
// URLs; nothing here uses innerHTML.
import { el } from "./markdown.js";
import { displayName, messageNode, replyNodes } from "./render.js";

const POLL_MS = 600;
const PAGE_SIZE = 100;

const state = {
	guild: null,
	channel: null,
	/** Oldest first. */
	messages: [],
	hasOlder: false,
	users: new Map(),
	/** token → the rendered signature, so unchanged replies are left alone. */
	rendered: new Map(),
	dismissed: new Set(),
	polling: false,
};

const $ = (id) => document.getElementById(id);

/** What the renderers may use: the guild, the names seen so far, navigation, sending and dismissing. */
const page = {
	get guild() {
		return state.guild;
	},
	users: state.users,
	jumpTo,
	send,
	openChannel: (channelId) => openChannel(channelId, true),
	dismiss(token) {
		state.dismissed.add(token);
		renderReplies(lastFeed);
	},
};

async function api(path, init) {
	const response = await fetch(path, init);
	const body = await response.json().catch(() => ({}));
	if (!response.ok) throw new Error(body.error || body.message || `HTTP ${response.status}`);
	return body;
}

function learnUsers(messages) {
	for (const message of messages) {
		state.users.set(message.author.id, displayName(message.author));
		for (const user of message.mentions || []) state.users.set(user.id, displayName(user));
	}
}

function renderMessages() {
	const list = $("messages");
	list.replaceChildren(...state.messages.map((message, i) => messageNode(message, state.messages[i - 1], page)));
	$("load-older").hidden = !state.hasOlder;
}

async function loadOlder() {
	const oldest = state.messages[0];
	if (!oldest) return;
	const timeline = $("timeline");
	const fromBottom = timeline.scrollHeight - timeline.scrollTop;
	const older = await api(`/__playground/channels/${state.channel.id}/messages?before=${oldest.id}&limit=${PAGE_SIZE}`);
	learnUsers(older);
	state.messages = [...older.reverse(), ...state.messages];
	state.hasOlder = older.length === PAGE_SIZE;
	renderMessages();
	timeline.scrollTop = timeline.scrollHeight - fromBottom;
}

async function jumpTo(channelId, messageId) {
	if (!state.channel || state.channel.id !== channelId) await openChannel(channelId, true);
	while (!document.getElementById(`m${messageId}`) && state.hasOlder && BigInt(state.messages[0].id) > BigInt(messageId)) await loadOlder();
	const target = document.getElementById(`m${messageId}`);
	if (!target) return showError(`That message isn't in #${state.channel.name} any more.`);
	target.scrollIntoView({ block: "center" });
	target.classList.add("highlight");
	setTimeout(() => target.classList.remove("highlight"), 2500);
}
let lastFeed = [];

function renderReplies(feed) {
	lastFeed = feed;
	const list = $("replies");
	const timeline = $("timeline");
	const atBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 80;
	const visible = feed.filter((item) => !state.dismissed.has(item.token));
	const wanted = new Set(visible.map((item) => item.token));
	for (const node of [...list.children]) if (!wanted.has(node.dataset.token)) node.remove();
	for (const token of [...state.rendered.keys()]) if (!wanted.has(token)) state.rendered.delete(token);
	let changed = false;
	for (const item of visible) {
		const signature = JSON.stringify([item.answer, item.records]);
		if (state.rendered.get(item.token) === signature) continue;
		changed = true;
		state.rendered.set(item.token, signature);
		const nodes = replyNodes(item, page);
		const existing = [...list.querySelectorAll(`[data-token="${CSS.escape(item.token)}"]`)];
		if (existing.length) {
			existing[0].before(...nodes);
			for (const node of existing) node.remove();
		} else list.append(...nodes);
	}
	if (changed && atBottom) timeline.scrollTop = timeline.scrollHeight;
}

async function poll() {
	if (state.polling || !state.channel) return;
	state.polling = true;
	try {
		const channelId = state.channel.id;
		const feed = await api(`/__playground/channels/${channelId}/interactions`);
		const newest = state.messages.at(-1);
		const newer = newest ? await api(`/__playground/channels/${channelId}/messages?after=${newest.id}&limit=${PAGE_SIZE}`) : [];
		if (!state.channel || state.channel.id !== channelId) return;
		if (newer.length) {
			learnUsers(newer);
			state.messages.push(...newer.reverse());
			renderMessages();
		}
		renderReplies(feed);
	} catch {
		// the next poll tries again
	} finally {
		state.polling = false;
	}
}

function showError(text) {
	const box = $("composer-error");
	box.textContent = text;
	box.hidden = !text;
}

/** Sends an interaction for the current channel: a typed line, "Summarize from here", or a button. */
async function send(action) {
	showError("");
	try {
		await api("/__playground/interactions", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ channelId: state.channel.id, ...action }),
		});
		const timeline = $("timeline");
		timeline.scrollTop = timeline.scrollHeight;
		await poll();
		timeline.scrollTop = timeline.scrollHeight;
		return true;
	} catch (error) {
		showError(error.message);
		return false;
	}
}

function suggest() {
	const input = $("command");
	const list = $("suggestions");
	const typed = input.value;
	const word = typed.startsWith("/") ? typed.slice(1).split(/\s/)[0] : undefined;
	const matches = word === undefined ? [] : state.guild.usage.filter((line) => line.startsWith(word) && !line.startsWith("click"));
	list.replaceChildren(
		...matches.map((line) => {
			const item = el("li", "", `/${line}`);
			item.addEventListener("mousedown", (event) => {
				event.preventDefault();
				input.value = `/${line.split(/\s[[<(]/)[0]} `;
				suggest();
				input.focus();
			});
			return item;
		}),
	);
	list.hidden = !matches.length || typed.includes(" ");
}

function setUpComposer() {
	const input = $("command");
	input.addEventListener("input", suggest);
	input.addEventListener("keydown", (event) => {
		const first = $("suggestions").firstElementChild;
		if (event.key === "Tab" && first && !$("suggestions").hidden) {
			event.preventDefault();
			first.dispatchEvent(new MouseEvent("mousedown"));
		}
	});
	$("composer").addEventListener("submit", async (event) => {
		event.preventDefault();
		const line = input.value.trim();
		if (!line) return;
		if (!line.startsWith("/")) return showError("Only commands work here: start with / (try /help).");
		input.disabled = true;
		if (await send({ line })) input.value = "";
		input.disabled = false;
		suggest();
		input.focus();
	});
}

function renderChannels() {
	const list = $("channels");
	list.replaceChildren(
		...state.guild.channels.map((channel) => {
			const item = el("li", channel.parent_id ? "thread" : "");
			const anchor = item.appendChild(el("a", "", `${channel.parent_id ? "└ " : "# "}${channel.name}`));
			anchor.href = `/channels/${channel.id}`;
			if (state.channel && state.channel.id === channel.id) anchor.setAttribute("aria-current", "page");
			anchor.addEventListener("click", (event) => {
				event.preventDefault();
				openChannel(channel.id, true);
			});
			return item;
		}),
	);
}

async function openChannel(channelId, push) {
	const channel = state.guild.channels.find((c) => c.id === channelId) || state.guild.channels[0];
	state.channel = channel;
	state.rendered.clear();
	if (push) history.pushState(null, "", `/channels/${channel.id}`);
	document.title = `#${channel.name} — ${state.guild.name}`;
	$("channel-name").textContent = channel.name;
	$("channel-topic").textContent = channel.topic || "";
	$("command").placeholder = `/summarize in #${channel.name} — try /summarize messages:200 style:bullets`;
	renderChannels();
	$("replies").replaceChildren();
	const newest = await api(`/__playground/channels/${channel.id}/messages?limit=${PAGE_SIZE}`);
	learnUsers(newest);
	state.messages = newest.reverse();
	state.hasOlder = newest.length === PAGE_SIZE;
	renderMessages();
	await poll();
	$("timeline").scrollTop = $("timeline").scrollHeight;
}

async function start() {
	state.guild = await api("/__playground/guild");
	state.users.set(state.guild.member.id, displayName(state.guild.member));
	$("guild-name").textContent = state.guild.name;
	$("me").textContent = `@${state.guild.member.username}`;
	$("load-older").addEventListener("click", loadOlder);
	setUpComposer();
	const fromPath = location.pathname.match(/^\/channels\/(\d+)/);
	await openChannel(fromPath ? fromPath[1] : state.guild.channels[0].id, false);
	const hash = location.hash.match(/^#m(\d+)$/);
	if (hash) await jumpTo(state.channel.id, hash[1]);
	window.addEventListener("popstate", () => {
		const match = location.pathname.match(/^\/channels\/(\d+)/);
		openChannel(match ? match[1] : state.guild.channels[0].id, false);
	});
	setInterval(() => document.hidden || poll(), POLL_MS);
	$("command").focus();
}

start().catch((error) => showError(`The playground didn't load: ${error.message}. Is npm start still running?`));
