// Stand-in for Discord's HTTP API, shared by tests, benchmarks and `npm start`.
// A fetch-style handler: tests mount it as the Worker's outbound service, `serve()` puts it on a port.
// For now it only records webhook edits; tests read and clear them at /__records.

export interface RecordedEdit {
	applicationId: string;
	token: string;
	body: unknown;
}

export interface DiscordEmulator {
	fetch(request: Request): Promise<Response>;
}

export function createDiscordEmulator(): DiscordEmulator {
	const edits: RecordedEdit[] = [];
	return {
		async fetch(request) {
			const url = new URL(request.url);
			if (url.pathname === "/__records") {
				if (request.method === "DELETE") edits.length = 0;
				return Response.json(edits);
			}
			const edit = url.pathname.match(/^\/api\/v10\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/);
			if (edit && request.method === "PATCH") {
				edits.push({ applicationId: edit[1], token: edit[2], body: await request.json() });
				return Response.json({ id: "0", content: "" });
			}
			return Response.json({ message: "404: Not Found", code: 0 }, { status: 404 });
		},
	};
}
