/**
 * Bundled in place of `@pdf-lib/standard-fonts` (the alias is in infra/cdk/bundling.ts). pdf-lib's
 * core imports that package only for the names of the 14 standard fonts (utils/objects.js); the rest
 * of it, the fonts' metrics (127 KB minified), serves pdf-lib's document API, which no Lambda code
 * uses (shared/signing/pdf-core.ts). A bundle that needed more would not build: esbuild refuses an
 * import this module does not export. tests/unit/pdf-lib-core.test.ts compares it with the package.
 */
export enum FontNames {
  Courier = 'Courier',
  CourierBold = 'Courier-Bold',
  CourierOblique = 'Courier-Oblique',
  CourierBoldOblique = 'Courier-BoldOblique',
  Helvetica = 'Helvetica',
  HelveticaBold = 'Helvetica-Bold',
  HelveticaOblique = 'Helvetica-Oblique',
  HelveticaBoldOblique = 'Helvetica-BoldOblique',
  TimesRoman = 'Times-Roman',
  TimesRomanBold = 'Times-Bold',
  TimesRomanItalic = 'Times-Italic',
  TimesRomanBoldItalic = 'Times-BoldItalic',
  Symbol = 'Symbol',
  ZapfDingbats = 'ZapfDingbats',
}
