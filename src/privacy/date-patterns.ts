// Date shapes shared by the date-of-birth rule and the rule that keeps ordinary dates. Every part has a
// bounded length and the alternatives start differently, so none of these can backtrack badly.

const MONTH = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const DAY = String.raw`(\d{1,2})(?:st|nd|rd|th)?`;
const MONTH_THEN_DAY = String.raw`${MONTH} {1,2}(?:the {1,2})?${DAY}`;
const DAY_THEN_MONTH = String.raw`(?:the {1,2})?${DAY}(?: {1,2}of)? {1,2}${MONTH}`;
const YEAR = String.raw`,? {1,2}(\d{4})\b`;
/** Not part of a longer dotted or dashed number (a version, an IP address). */
const NOT_AFTER_NUMBER = String.raw`(?<![\d./-])`;
const NOT_BEFORE_NUMBER = String.raw`(?![./-]?\d)`;

/**
 * `March 14th 1985`, `Mar 14, 1985`, `14 March 1985`, `14th of March 1985`.
 * Groups: 1 month, 2 day (month first) | 3 day, 4 month (day first) | 5 year.
 */
export const SPELLED_DATE = new RegExp(String.raw`\b(?:${MONTH_THEN_DAY}|${DAY_THEN_MONTH})${YEAR}`, 'gi');

/** `03/14/1985`, `14.03.1985`, `14-03-1985`: one separator throughout. Groups: 1, 3 day/month; 4 year. */
export const NUMERIC_DATE = new RegExp(
  String.raw`${NOT_AFTER_NUMBER}\b(\d{1,2})([/.-])(\d{1,2})\2(\d{4})\b${NOT_BEFORE_NUMBER}`,
  'g',
);

/** `2026-11-30`, `2026-11-30T14:05`, `2026-11-30 14:05:09.120Z`, `2026/11/30`. Groups: 3 month, 4 day. */
export const ISO_DATE = new RegExp(
  String.raw`${NOT_AFTER_NUMBER}\b(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b${NOT_BEFORE_NUMBER}`,
  'gi',
);

/** Any of the above, a two-digit year, or a spelled date without a year: the forms a birth date takes. */
export const ANY_DATE = new RegExp(
  String.raw`\d{4}-\d{1,2}-\d{1,2}(?:T[\d:.]{1,15}Z?)?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?:\d{2})?\b|\b(?:${MONTH_THEN_DAY}|${DAY_THEN_MONTH})(?:${YEAR})?`,
  'i',
);

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export const monthNumber = (name: string): number => MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;

export const isDayOfMonth = (day: number, month: number): boolean => month >= 1 && month <= 12 && day >= 1 && day <= 31;

/** True when `a/b` reads as a day and month in either order (`03/14`, `14/03`). */
export const isDayAndMonth = (a: number, b: number): boolean => isDayOfMonth(a, b) || isDayOfMonth(b, a);
