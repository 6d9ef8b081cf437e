import type { RedactionCanvas } from './redaction-canvas.js';

// Local part and labels are bounded, and the dot that separates labels is not in the label set.
const EMAIL = /\b[\w.%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,8}\b/gi;

/** E-mail addresses → [EMAIL]; first, so digits inside an address are not taken for other numbers. */
export function redactEmails(canvas: RedactionCanvas): void {
  for (const match of canvas.view().matchAll(EMAIL)) canvas.claim(match.index, match.index + match[0].length, 'email');
}
