import { ValidateBy, type ValidationOptions } from 'class-validator';

const MAX_URL_LENGTH = 2048;

export function isWebUrl(value: unknown, protocols: readonly string[]): boolean {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) return false;
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname.length > 0 && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** An absolute URL with one of the given protocols and no embedded credentials. */
export function IsWebUrl(protocols: readonly string[], options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isWebUrl',
      constraints: [protocols],
      validator: {
        validate: (value: unknown) => isWebUrl(value, protocols),
        defaultMessage: () =>
          `expected an absolute ${protocols.map((p) => p.replace(/:$/, '')).join(' or ')} URL without credentials`,
      },
    },
    options,
  );
}
