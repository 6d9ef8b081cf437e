import { ANY_DATE, isDayAndMonth, isDayOfMonth, monthNumber, NUMERIC_DATE, SPELLED_DATE } from './date-patterns.js';
import type { RedactionCanvas } from './redaction-canvas.js';

/**
 * A date with a year at least this far back is taken for a birth date; a recent one ("my bill of March
 * 3rd 2026", "due 03/12/2026") is left for the search, where it matters.
 */
export const BIRTH_DATE_MIN_AGE_YEARS = 10;
const OLDEST_BIRTH_YEARS = 130;
const BIRTH_WORDS = /\b(?:born|birth|birthday|birthdate|dob|d\.o\.b)\b/gi;
/** After a birth word the date must start within this many characters ("born in London on 3/14/85"). */
const BIRTH_DATE_REACH = 40;
const LONGEST_DATE = 40;

/**
 * Dates of birth → [DOB]: any date (ISO, numeric, spelled, with or without year) shortly after a birth
 * word ("born", "birth", "date of birth", "DOB", "birthday"); and, without such words, numeric dates
 * with a four-digit year and spelled dates with a year, when that year is 10 to 130 years back.
 */
export function redactDatesOfBirth(canvas: RedactionCanvas, currentYear: number): void {
  redactDatesAfterBirthWords(canvas);
  const isBirthYear = (year: number) =>
    year <= currentYear - BIRTH_DATE_MIN_AGE_YEARS && year >= currentYear - OLDEST_BIRTH_YEARS;
  const text = canvas.view();
  for (const match of text.matchAll(NUMERIC_DATE)) {
    if (isBirthYear(Number(match[4])) && isDayAndMonth(Number(match[1]), Number(match[3]))) {
      canvas.claim(match.index, match.index + match[0].length, 'dob');
    }
  }
  for (const match of text.matchAll(SPELLED_DATE)) {
    const [month, day] = match[1] ? [match[1], match[2]] : [match[4], match[3]];
    if (isBirthYear(Number(match[5])) && isDayOfMonth(Number(day), monthNumber(month))) {
      canvas.claim(match.index, match.index + match[0].length, 'dob');
    }
  }
}

function redactDatesAfterBirthWords(canvas: RedactionCanvas): void {
  const text = canvas.view();
  for (const birthWord of text.matchAll(BIRTH_WORDS)) {
    const from = birthWord.index + birthWord[0].length;
    const date = ANY_DATE.exec(text.slice(from, from + BIRTH_DATE_REACH + LONGEST_DATE));
    if (date && date.index <= BIRTH_DATE_REACH) {
      canvas.claim(from + date.index, from + date.index + date[0].length, 'dob');
    }
  }
}
