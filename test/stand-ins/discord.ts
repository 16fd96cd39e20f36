// Stand-in for Discord's HTTP API in tests, run in Node as the Worker's outbound service: every fetch
// the Worker makes lands here. It records webhook edits and refuses any other host, so no test can
// reach the network by accident. Tests read and clear the records at /__records.
import { Response, type Request } from "miniflare";

export const DISCORD_TEST_BASE = "http://discord.test/api/v10";

export interface RecordedEdit {
	applicationId: string;
	token: string;
	body: unknown;
}

export function discordStandIn(): (request: Request) => Promise<Response> {
	const edits: RecordedEdit[] = [];
	return async (request) => {
		const url = new URL(request.url);
		if (url.host !== new URL(DISCORD_TEST_BASE).host) {
			return Response.json({ error: `tests reach no network (${request.method} ${url.host})` }, { status: 502 });
		}
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
	};
}
