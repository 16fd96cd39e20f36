// A plain-text table for a terminal: columns padded to their widest cell, columns of numbers (or blanks) right-aligned.
export function table(header: string[], rows: (string | number)[][]): string {
	const cells = [header, ...rows.map((row) => row.map(String))];
	const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
	const numeric = header.map((_, column) => rows.every((row) => typeof row[column] === "number" || row[column] === ""));
	const line = (row: string[]) =>
		row
			.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
			.join("  ")
			.trimEnd();
	return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...cells.slice(1).map(line)].join("\n");
}
