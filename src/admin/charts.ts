// The dashboard's charts as inline SVG, rendered on the server: no script, no chart library, nothing
// fetched. Each chart is an image with a title and description for screen readers, a tooltip on
// every mark, and its numbers again as a table.
import { escapeHtml } from "./html";

export interface Series {
	name: string;
	color: string;
	values: readonly (number | null)[];
}

export interface ChartSpec {
	id: string;
	title: string;
	description: string;
	/** One label per value, e.g. the day. */
	labels: readonly string[];
	series: readonly Series[];
	format: (value: number) => string;
	/** The top of the scale; default: a round number above the largest value. */
	max?: number;
}

const WIDTH = 720;
const HEIGHT = 240;
const PLOT = { left: 64, right: WIDTH - 12, top: 36, bottom: HEIGHT - 28 };
const TICKS = 5;

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `value`: its five gridlines then fall on round numbers. */
export function niceMax(value: number): number {
	if (!(value > 0)) return 1;
	const power = 10 ** Math.floor(Math.log10(value));
	return ([1, 2, 2.5, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

const n = (value: number) => Number(value.toFixed(1));

function y(value: number, max: number): number {
	return n(PLOT.bottom - (value / max) * (PLOT.bottom - PLOT.top));
}

function band(spec: ChartSpec): number {
	return (PLOT.right - PLOT.left) / Math.max(1, spec.labels.length);
}

function axes(spec: ChartSpec, max: number): string {
	const grid = Array.from({ length: TICKS + 1 }, (_, tick) => {
		const value = (max * tick) / TICKS;
		const at = y(value, max);
		return `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${at}" y2="${at}" stroke="#d0d7de" stroke-width="1"/><text x="${PLOT.left - 6}" y="${at + 4}" text-anchor="end" font-size="11" fill="#57606a">${escapeHtml(spec.format(value))}</text>`;
	});
	const every = Math.ceil(spec.labels.length / 10);
	const labels = spec.labels.map((label, index) =>
		index % every
			? ""
			: `<text x="${n(PLOT.left + band(spec) * (index + 0.5))}" y="${HEIGHT - 10}" text-anchor="middle" font-size="11" fill="#57606a">${escapeHtml(label.slice(5))}</text>`,
	);
	return `<g aria-hidden="true">${grid.join("")}${labels.join("")}</g>`;
}

function legend(series: readonly Series[]): string {
	let x = PLOT.left;
	const items = series.map((entry) => {
		const item = `<rect x="${x}" y="10" width="10" height="10" fill="${entry.color}"/><text x="${x + 14}" y="19" font-size="12" fill="#24292f">${escapeHtml(entry.name)}</text>`;
		x += 28 + entry.name.length * 7;
		return item;
	});
	return `<g aria-hidden="true">${items.join("")}</g>`;
}

function frame(spec: ChartSpec, marks: string, max: number): string {
	const id = escapeHtml(spec.id);
	return `<svg class="chart" id="${id}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc"><title id="${id}-title">${escapeHtml(spec.title)}</title><desc id="${id}-desc">${escapeHtml(spec.description)}</desc>${axes(spec, max)}${legend(spec.series)}<g class="marks">${marks}</g></svg>`;
}

/** A data mark: its value in data attributes, and in words as its tooltip. */
function mark(tag: "rect" | "circle", attributes: string, spec: ChartSpec, series: Series, index: number, value: number): string {
	const data = `data-series="${escapeHtml(series.name)}" data-label="${escapeHtml(spec.labels[index])}" data-value="${value}"`;
	const tooltip = escapeHtml(`${spec.labels[index]} · ${series.name}: ${spec.format(value)}`);
	return `<${tag} ${attributes} fill="${series.color}" ${data}><title>${tooltip}</title></${tag}>`;
}

/** Bars stacked per label, one colour per series; zero values draw nothing. */
export function barChart(spec: ChartSpec): string {
	const totals = spec.labels.map((_, index) => spec.series.reduce((sum, series) => sum + (series.values[index] ?? 0), 0));
	const max = spec.max ?? niceMax(Math.max(0, ...totals));
	const width = n(Math.min(40, band(spec) * 0.7));
	const bars = spec.labels.flatMap((_, index) => {
		const x = n(PLOT.left + band(spec) * (index + 0.5) - width / 2);
		let base = 0;
		return spec.series.flatMap((series) => {
			const value = series.values[index] ?? 0;
			if (value <= 0) return [];
			const top = y(base + value, max);
			const height = n(y(base, max) - top);
			base += value;
			return [mark("rect", `x="${x}" y="${top}" width="${width}" height="${height}"`, spec, series, index, value)];
		});
	});
	return frame(spec, bars.join(""), max);
}

/** One line per series with a dot per value; a missing value (null) breaks the line. */
export function lineChart(spec: ChartSpec): string {
	const values = spec.series.flatMap((series) => series.values.filter((value): value is number => value !== null));
	const max = spec.max ?? niceMax(Math.max(0, ...values));
	const marks = spec.series.map((series) => {
		const points = series.values.map((value, index) =>
			value === null ? null : { x: n(PLOT.left + band(spec) * (index + 0.5)), y: y(value, max), value, index },
		);
		const segments: string[][] = [[]];
		for (const point of points) {
			if (point) segments.at(-1)!.push(`${point.x},${point.y}`);
			else if (segments.at(-1)!.length) segments.push([]);
		}
		const lines = segments
			.filter((segment) => segment.length > 1)
			.map((segment) => `<polyline points="${segment.join(" ")}" fill="none" stroke="${series.color}" stroke-width="2"/>`);
		const dots = points.map((point) =>
			point ? mark("circle", `cx="${point.x}" cy="${point.y}" r="3.5"`, spec, series, point.index, point.value) : "",
		);
		return lines.join("") + dots.join("");
	});
	return frame(spec, marks.join(""), max);
}

/** The chart's numbers as a table, folded under it. */
export function dataTable(spec: ChartSpec): string {
	const head = `<tr><th scope="col">Day</th>${spec.series.map((series) => `<th scope="col">${escapeHtml(series.name)}</th>`).join("")}</tr>`;
	const rows = spec.labels.map(
		(label, index) =>
			`<tr><th scope="row">${escapeHtml(label)}</th>${spec.series.map((series) => `<td>${series.values[index] === null ? "—" : escapeHtml(spec.format(series.values[index]!))}</td>`).join("")}</tr>`,
	);
	return `<details><summary>${escapeHtml(spec.title)}: the numbers</summary><table>${head}${rows.join("")}</table></details>`;
}
