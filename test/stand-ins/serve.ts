// Puts a fetch-style stand-in (the Discord emulator, the OpenAI stand-in) on a loopback port, for
// benchmarks and the local playground.
import { createServer } from "node:http";

export interface Served {
	port: number;
	close(): Promise<void>;
}

export function serve(standIn: { fetch(request: Request): Promise<Response> }, port = 0, host = "127.0.0.1"): Promise<Served> {
	const server = createServer(async (incoming, outgoing) => {
		const chunks: Buffer[] = [];
		for await (const chunk of incoming) chunks.push(chunk as Buffer);
		const body = chunks.length ? Buffer.concat(chunks) : undefined;
		const headers = new Headers();
		for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
		const request = new Request(`http://${host}:${port}${incoming.url}`, {
			method: incoming.method,
			headers,
			body: incoming.method === "GET" || incoming.method === "HEAD" ? undefined : body,
		});
		try {
			const response = await standIn.fetch(request);
			outgoing.writeHead(response.status, Object.fromEntries(response.headers));
			outgoing.end(Buffer.from(await response.arrayBuffer()));
		} catch (error) {
			outgoing.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ message: String(error) }));
		}
	});
	return new Promise((resolve) =>
		server.listen(port, host, () =>
			resolve({
				port: (server.address() as { port: number }).port,
				close: () => new Promise((done) => server.close(() => done())),
			}),
		),
	);
}
