import { isIP } from 'node:net';
import { ValidateBy } from 'class-validator';

/**
 * One rule per variable, each with a single "expected …" message. Stacked class-validator decorators
 * (`@IsInt() @Min() @Max()`) each report their own failure, so a non-number read as "must not be greater
 * than …; must not be less than …; must be an integer": three lines that contradict each other.
 */
function rule(name: string, expected: string, isValid: (value: unknown) => boolean): PropertyDecorator {
  return ValidateBy({ name, validator: { validate: isValid, defaultMessage: () => `expected ${expected}` } });
}

/** An integer within bounds; `unit` tells the reader what the number counts. */
export function WholeNumber(min: number, max: number, unit?: string): PropertyDecorator {
  return rule(
    'wholeNumber',
    `a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}`,
    (value) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
  );
}

export function NumberAtLeast(min: number): PropertyDecorator {
  return rule(
    'numberAtLeast',
    `a number of at least ${min}`,
    (value) => typeof value === 'number' && Number.isFinite(value) && value >= min,
  );
}

export function NumberBetween(min: number, max: number): PropertyDecorator {
  return rule(
    'numberBetween',
    `a number from ${min} to ${max}`,
    (value) => typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max,
  );
}

export function OneOf(values: readonly string[]): PropertyDecorator {
  const expected = values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;
  return rule('oneOf', expected, (value) => typeof value === 'string' && values.includes(value));
}

export function TextOfLength(min: number, max: number, what = 'text'): PropertyDecorator {
  return rule(
    'textOfLength',
    `${what} of ${min} to ${max} characters`,
    (value) => typeof value === 'string' && value.length >= min && value.length <= max,
  );
}

export function Matching(pattern: RegExp, expected: string): PropertyDecorator {
  return rule('matching', expected, (value) => typeof value === 'string' && pattern.test(value));
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** An IP address (v4 or v6, without brackets) or a DNS host name; `999.1.1.1` is neither. */
export function isHostAddress(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (isIP(value) !== 0) return true;
  return HOST_NAME.test(value) && !/^[\d.]+$/.test(value);
}

export function HostAddress(): PropertyDecorator {
  return rule('hostAddress', 'an IP address or a host name, e.g. 127.0.0.1, 0.0.0.0, :: or localhost', isHostAddress);
}
