export enum ConfigErrorCode {
  InvalidEnvironment = 'CONFIG_INVALID_ENVIRONMENT',
  UnreadableSecretFile = 'CONFIG_UNREADABLE_SECRET_FILE',
}

/** Start-up configuration failure; the message names variables, never their values. */
export class ConfigException extends Error {
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    readonly variables: string[] = [],
  ) {
    super(message);
    this.name = 'ConfigException';
  }
}
