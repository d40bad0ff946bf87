/** Configuration names of the reports (read by the functions, set by the CDK profiles). */

/** Absolute path of the TTF the monthly PDF embeds; unset locally (the dejavu-fonts-ttf package is used). */
export const REPORT_FONT_ENV = 'REPORT_FONT_FILE';
