/**
 * The years the working calendar covers. Kept apart from vietnam-holidays.ts so that the generator
 * of lunar-dates.generated.ts (infra/scripts/generate-lunar-dates.ts) can read them without loading
 * the table it is about to rewrite (which may be missing or mid-merge).
 */

/** First and last years the calendar computes (Labor Code 2012 was in force for all of 2014). */
export const MIN_YEAR = 2014;
export const MAX_YEAR = 2199;
