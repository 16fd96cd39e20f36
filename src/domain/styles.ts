// The styles a summary can be written in: one LLM summary, shown in each of them (summarizer/styles.ts).
export const STYLES = {
	brief: "Brief",
	detailed: "Detailed",
	bullets: "Bullet points",
	action_items: "Action items",
} as const;
export type Style = keyof typeof STYLES;
export const DEFAULT_STYLE: Style = "brief";
