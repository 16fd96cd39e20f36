// Stand-in for an OpenAI-compatible API, shared by tests, benchmarks and `npm start`.
// A fetch-style handler like the Discord emulator's.

export interface OpenAIFake {
	fetch(request: Request): Promise<Response>;
}

export function createOpenAIFake(): OpenAIFake {
	return {
		async fetch() {
			return Response.json({ error: { message: "not implemented yet", type: "invalid_request_error" } }, { status: 404 });
		},
	};
}
