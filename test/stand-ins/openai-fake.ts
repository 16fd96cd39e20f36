// Stand-in for an OpenAI-compatible chat completions API, shared by tests, benchmarks and `npm start`.
// Answers are derived from the prompt, deterministically: the conversation arrives as lines
// `n author: text` (the bot's prompt convention), and the answer's points are the longest lines,
// citing their n, leaving out the lines the system prompt gives as context only. With a json_schema
// response format the answer has the bot's summary shape.
// Faults for tests: POST /__openai/faults {kind, times, match?}, DELETE /__openai/faults (all of them end);
// `slow` answers as usual after half a second, so that calls overlap. Recorded calls: GET /__openai/requests.

export interface OpenAIFake {
	fetch(request: Request): Promise<Response>;
}

type FaultKind = "rate_limit" | "insufficient_quota" | "server_error" | "timeout" | "slow" | "length" | "bad_citations";

interface Fault {
	kind: FaultKind;
	times: number;
	/** Only requests whose prompt contains this. */
	match?: string;
}

interface ChatRequest {
	model: string;
	messages: { role: string; content: string }[];
	response_format?: { type: string };
}

const LINE = /^(\d+) ([^:]+): (.*)$/;
/** How the bot's system prompt says which lines are context only (llm.ts). */
const CONTEXT_BELOW = /Lines numbered below (\d+) come before the part to summarize/;

function error(status: number, type: string, message: string, headers: Record<string, string> = {}): Response {
	return Response.json({ error: { message, type, param: null, code: type } }, { status, headers });
}

function answer(request: ChatRequest, badCitations: boolean): string {
	const prompt = request.messages.map((message) => message.content).join("\n");
	const lines = prompt
		.split("\n")
		.map((line) => line.match(LINE))
		.filter((match): match is RegExpMatchArray => match !== null)
		.map((match) => ({ index: Number(match[1]), author: match[2], text: match[3] }))
		.filter((line) => line.index >= Number(prompt.match(CONTEXT_BELOW)?.[1] ?? 0));
	const chosen = [...lines]
		.sort((a, b) => b.text.length - a.text.length || a.index - b.index)
		.slice(0, 4)
		.sort((a, b) => a.index - b.index);
	const points = chosen.map((line) => ({
		text: `${line.author} said: ${line.text.slice(0, 120)}`,
		sources: badCitations ? [line.index, 99_999] : [line.index],
	}));
	const asks = chosen.filter((line) => /can you|i'll|please/i.test(line.text));
	const actionItems = asks.map((line) => ({
		text: line.text.slice(0, 120),
		owner: badCitations ? "nobody-here" : line.author,
		sources: [line.index],
	}));
	if (request.response_format?.type === "json_schema") return JSON.stringify({ points, action_items: actionItems });
	return points.map((point) => `- ${point.text}`).join("\n");
}

export function createOpenAIFake(options: { apiKey?: string } = {}): OpenAIFake {
	const faults: Fault[] = [];
	const requests: ChatRequest[] = [];
	return {
		async fetch(request) {
			const url = new URL(request.url);
			if (url.pathname === "/__openai/faults" && request.method === "POST") {
				faults.push((await request.json()) as Fault);
				return new Response(null, { status: 204 });
			}
			if (url.pathname === "/__openai/faults" && request.method === "DELETE") {
				faults.length = 0;
				return new Response(null, { status: 204 });
			}
			if (url.pathname === "/__openai/requests") {
				const match = url.searchParams.get("match") ?? "";
				return Response.json(requests.filter((r) => JSON.stringify(r.messages).includes(match)));
			}
			if (url.pathname !== "/v1/chat/completions" || request.method !== "POST") return error(404, "invalid_request_error", "Unknown route");
			if (options.apiKey && request.headers.get("authorization") !== `Bearer ${options.apiKey}`)
				return error(401, "invalid_api_key", "Incorrect API key");

			const body = (await request.json()) as ChatRequest;
			requests.push(body);
			const prompt = JSON.stringify(body.messages);
			const fault = faults.find((f) => f.times > 0 && (!f.match || prompt.includes(f.match)));
			if (fault) fault.times--;
			switch (fault?.kind) {
				case "rate_limit":
					return error(429, "rate_limit_exceeded", "Rate limit reached", { "retry-after": "1" });
				case "insufficient_quota":
					return error(429, "insufficient_quota", "You exceeded your current quota");
				case "server_error":
					return error(500, "server_error", "The server had an error");
				case "timeout":
					// Never answers: the client's timeout must end the call.
					return new Promise<Response>((resolve) => {
						const give = () => resolve(error(499, "aborted", "aborted"));
						request.signal.addEventListener("abort", give);
						setTimeout(give, 30_000).unref();
					});
			}
			if (fault?.kind === "slow") await new Promise((resolve) => setTimeout(resolve, 500));
			const content = answer(body, fault?.kind === "bad_citations");
			const truncated = fault?.kind === "length";
			return Response.json({
				id: `chatcmpl-${requests.length}`,
				object: "chat.completion",
				created: Math.floor(Date.now() / 1000),
				model: body.model,
				choices: [
					{
						index: 0,
						message: { role: "assistant", content: truncated ? content.slice(0, content.length / 2) : content },
						finish_reason: truncated ? "length" : "stop",
					},
				],
				// About four characters a token: close enough for a stand-in.
				usage: {
					prompt_tokens: Math.ceil(prompt.length / 4),
					completion_tokens: Math.ceil(content.length / 4),
					total_tokens: Math.ceil((prompt.length + content.length) / 4),
				},
			});
		},
	};
}
