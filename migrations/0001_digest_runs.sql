DROP INDEX `digests_due`;--> statement-breakpoint
ALTER TABLE `digest_schedules` ADD `locale` text DEFAULT 'en-US' NOT NULL;--> statement-breakpoint
ALTER TABLE `digest_schedules` ADD `next_run_at` integer;--> statement-breakpoint
CREATE INDEX `digests_due` ON `digest_schedules` (`enabled`,`next_run_at`);