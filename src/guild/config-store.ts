// The guild's limits and defaults, as /config last pushed them; read from storage once per start of the object.
import { type GuildConfig, UNCONFIGURED } from "./settings";

export class ConfigStore {
	private config: GuildConfig | undefined;

	constructor(private readonly sql: SqlStorage) {}

	get(): GuildConfig {
		if (!this.config) {
			const stored = this.sql.exec<{ value: string }>("SELECT value FROM config").toArray()[0];
			this.config = stored ? (JSON.parse(stored.value) as GuildConfig) : UNCONFIGURED;
		}
		return this.config;
	}

	/** Takes `config` unless newer settings are already here; says whether it took them. */
	put(config: GuildConfig): boolean {
		if (config.revision < this.get().revision) return false;
		this.sql.exec("INSERT OR REPLACE INTO config (id, value) VALUES (1, ?)", JSON.stringify(config));
		this.config = config;
		return true;
	}
}
