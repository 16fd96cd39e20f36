// The dashboard's SVG charts: a mark per value with its number, scaled to a round axis, labelled for
// screen readers, and escaped.
import { describe, expect, it } from "vitest";
import { barChart, type ChartSpec, dataTable, lineChart, niceMax } from "../../src/admin/charts";

const spec = (overrides: Partial<ChartSpec> = {}): ChartSpec => ({
	id: "demo",
	title: "Requests <per> day",
	description: "Stacked bars & lines",
	labels: ["2026-11-01", "2026-11-02", "2026-11-03"],
	series: [
		{ name: "delivered", color: "#009e73", values: [4, 0, 6] },
		{ name: "cached", color: "#56b4e9", values: [1, 0, 2] },
	],
	format: String,
	...overrides,
});

const attribute = (svg: string, name: string) => [...svg.matchAll(new RegExp(`${name}="([^"]*)"`, "g"))].map((match) => match[1]);

describe("niceMax", () => {
	it("rounds up to 1, 2, 2.5 or 5 times a power of ten", () => {
		expect([0, 0.3, 1, 7, 8, 21, 240, 251, 4001].map(niceMax)).toEqual([1, 0.5, 1, 10, 10, 25, 250, 500, 5000]);
	});
});

describe("barChart", () => {
	it("stacks one rect per non-zero value, heights proportional to the values", () => {
		const svg = barChart(spec());
		expect(attribute(svg, "data-value")).toEqual(["4", "1", "6", "2"]);
		const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"[^>]*data-value/g)].map((match) => Number(match[1]));
		// Axis to 10: the plot is 176 px high.
		expect(heights).toEqual([70.4, 17.6, 105.6, 35.2]);
		expect(svg).toContain("<title>2026-11-03 · cached: 2</title>");
	});

	it("is an image with an escaped title and description for screen readers", () => {
		const svg = barChart(spec());
		expect(svg).toMatch(/^<svg class="chart" id="demo" viewBox="0 0 720 240" role="img" aria-labelledby="demo-title demo-desc">/);
		expect(svg).toContain('<title id="demo-title">Requests &lt;per&gt; day</title><desc id="demo-desc">Stacked bars &amp; lines</desc>');
	});

	it("draws no marks without data", () => {
		expect(barChart(spec({ series: [{ name: "none", color: "#000", values: [0, 0, 0] }] }))).not.toContain("data-value");
	});
});

describe("lineChart", () => {
	it("draws a dot per value and breaks the line where a value is missing", () => {
		const svg = lineChart(
			spec({ labels: ["a1", "a2", "a3", "a4"], series: [{ name: "p50", color: "#0072b2", values: [100, 200, null, 400] }] }),
		);
		expect(attribute(svg, "data-value")).toEqual(["100", "200", "400"]);
		expect(svg.match(/<polyline/g)).toHaveLength(1);
	});

	it("keeps a fixed scale when given one", () => {
		const svg = lineChart(
			spec({ max: 1, format: (value) => `${value * 100}%`, series: [{ name: "rate", color: "#000", values: [0.5, 1, 0] }] }),
		);
		expect(attribute(svg, "cy")).toEqual(["124", "36", "212"]);
		expect(svg).toContain(">100%</text>");
	});
});

describe("dataTable", () => {
	it("repeats the numbers as a table, '—' where there are none", () => {
		const table = dataTable(spec({ series: [{ name: "p50", color: "#000", values: [1, null, 3] }] }));
		expect(table).toContain('<tr><th scope="col">Day</th><th scope="col">p50</th></tr>');
		expect(table).toContain('<tr><th scope="row">2026-11-02</th><td>—</td></tr>');
	});
});
