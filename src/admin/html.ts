// Escaping for the dashboard's server-rendered HTML and SVG: every value that is not our own literal
// text goes through it.

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string | number): string {
	return String(value).replace(/[&<>"']/g, (char) => ENTITIES[char]);
}
