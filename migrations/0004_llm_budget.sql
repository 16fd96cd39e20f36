CREATE TABLE `llm_tokens` (
	`scope` text NOT NULL,
	`day` integer NOT NULL,
	`used` integer NOT NULL,
	PRIMARY KEY(`scope`, `day`)
);
--> statement-breakpoint
CREATE INDEX `llm_tokens_by_day` ON `llm_tokens` (`day`);--> statement-breakpoint
ALTER TABLE `guild_settings` ADD `llm_tokens_per_day` integer;