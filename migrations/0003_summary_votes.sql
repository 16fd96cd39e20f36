CREATE TABLE `summary_votes` (
	`message_id` text NOT NULL,
	`user_id` text NOT NULL,
	`guild_id` text NOT NULL,
	`vote` text NOT NULL,
	`style` text NOT NULL,
	`model` text NOT NULL,
	`summary_at` integer NOT NULL,
	`voted_at` integer NOT NULL,
	PRIMARY KEY(`message_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `votes_by_guild_time` ON `summary_votes` (`guild_id`,`voted_at`);--> statement-breakpoint
CREATE INDEX `votes_by_time` ON `summary_votes` (`voted_at`);