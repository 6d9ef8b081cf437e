/** An article id longer than this is not one a knowledge source hands out (and not one worth keeping). */
export const MAX_ARTICLE_ID_CHARS = 128;
/** Longer fields are cut here: the formatter never needs more, and a hostile reply costs no more. */
export const MAX_TITLE_CHARS = 2000;
export const MAX_BODY_CHARS = 20_000;
export const MAX_URL_CHARS = 2048;
