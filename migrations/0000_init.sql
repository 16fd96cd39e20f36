CREATE TABLE `digest_schedules` (
	`guild_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`cadence` text NOT NULL,
	`hour_utc` integer NOT NULL,
	`weekday` integer,
	`style` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`disabled_reason` text,
	`last_run_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `channel_id`)
);
--> statement-breakpoint
CREATE INDEX `digests_due` ON `digest_schedules` (`enabled`,`hour_utc`);--> statement-breakpoint
CREATE TABLE `guild_settings` (
	`guild_id` text PRIMARY KEY NOT NULL,
	`guild_per_hour` integer,
	`user_per_10_minutes` integer,
	`default_style` text,
	`default_language` text,
	`retention_days` integer DEFAULT 30 NOT NULL,
	`keep_history` integer DEFAULT true NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `member_opt_outs` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `summaries` (
	`id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`requester_id` text NOT NULL,
	`range_kind` text NOT NULL,
	`range_messages` integer,
	`range_seconds` integer,
	`range_from_message_id` text,
	`first_message_id` text,
	`last_message_id` text,
	`style` text NOT NULL,
	`language` text NOT NULL,
	`model` text NOT NULL,
	`public` integer NOT NULL,
	`rendered` text NOT NULL,
	`message_count` integer NOT NULL,
	`tokens_in` integer DEFAULT 0 NOT NULL,
	`tokens_out` integer DEFAULT 0 NOT NULL,
	`cost_micro_usd` integer DEFAULT 0 NOT NULL,
	`time_to_result_ms` integer,
	`cached` integer DEFAULT false NOT NULL,
	`fallback` integer DEFAULT false NOT NULL,
	`expired` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `summaries_by_guild_time` ON `summaries` (`guild_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `summaries_by_channel_time` ON `summaries` (`channel_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `summaries_by_requester_time` ON `summaries` (`guild_id`,`requester_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `usage_events` (
	`id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`command` text NOT NULL,
	`outcome` text NOT NULL,
	`latency_ms` integer NOT NULL,
	`time_to_result_ms` integer,
	`tokens_in` integer DEFAULT 0 NOT NULL,
	`tokens_out` integer DEFAULT 0 NOT NULL,
	`cost_micro_usd` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `usage_by_guild_time` ON `usage_events` (`guild_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `usage_by_time` ON `usage_events` (`created_at`);