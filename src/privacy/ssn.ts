import type { RedactionCanvas } from './redaction-canvas.js';

/** US social security numbers, 3-2-4, without the numbers the SSA never issues (000, 666, 9xx, 00, 0000). */
const SSN = /\b(?!000|666|9\d\d)\d{3}[- ](?!00)\d{2}[- ](?!0000)\d{4}\b/g;

export function redactSocialSecurityNumbers(canvas: RedactionCanvas): void {
  for (const match of canvas.view().matchAll(SSN)) canvas.claim(match.index, match.index + match[0].length, 'ssn');
}
