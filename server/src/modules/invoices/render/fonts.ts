/**
 * Fonts for the invoice PDFs, read from npm packages and parsed by fontkit once per process; every
 * render hands the parsed objects to pdfkit, which subsets the glyphs each document uses.
 *
 * - DejaVu Sans (`dejavu-fonts-ttf`): Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and more.
 * - Noto Sans JP (`@embedpdf/fonts-jp`): CJK ideographs of JIS X 0208/0213, kana, and Latin, Greek and
 *   Cyrillic, used for any text run that DejaVu cannot draw. It is loaded on first use only.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as fontkit from 'fontkit'

const require = createRequire(import.meta.url)
const dejavuDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf')
// The package exports only its entry (dist/index.cjs); the fonts sit in fonts/ beside dist/.
const notoJpDir = join(dirname(require.resolve('@embedpdf/fonts-jp')), '..', 'fonts')

export type FontFace = 'regular' | 'bold' | 'cjk' | 'cjk-bold'

type Font = fontkit.Font

function open(path: string): Font {
  const font = fontkit.create(readFileSync(path))
  if (!('layout' in font)) throw new Error(`${path} is a font collection, not a font`)
  memoiseGlyphDecoding(font)
  return font
}

type DecodableGlyph = fontkit.Glyph & { _decode?: () => unknown; _decodeMemo?: true }

/**
 * Subsetting a TrueType font decodes every used glyph's outline again for each document, only to find
 * composite glyphs' components: that was a quarter of a render. fontkit keeps one glyph object per id,
 * and the decoded outline is never modified (contours are copied), so each glyph decodes once per process.
 */
function memoiseGlyphDecoding(font: Font): void {
  const getGlyph = font.getGlyph.bind(font)
  font.getGlyph = (id: number, codePoints?: number[]) => {
    const glyph = getGlyph(id, codePoints) as DecodableGlyph
    if (glyph?._decode && !glyph._decodeMemo) {
      const decode = glyph._decode.bind(glyph)
      let decoded: unknown
      let done = false
      glyph._decode = () => {
        if (!done) {
          decoded = decode()
          done = true
        }
        return decoded
      }
      glyph._decodeMemo = true
    }
    return glyph
  }
}

let latin: { regular: Font; bold: Font } | null = null
let cjk: { regular: Font; bold: Font } | null = null

function latinFonts() {
  latin ??= {
    regular: open(join(dejavuDir, 'DejaVuSans.ttf')),
    bold: open(join(dejavuDir, 'DejaVuSans-Bold.ttf')),
  }
  return latin
}

function cjkFonts() {
  cjk ??= {
    regular: open(join(notoJpDir, 'NotoSansJP-Regular.otf')),
    bold: open(join(notoJpDir, 'NotoSansJP-Bold.otf')),
  }
  return cjk
}

/** Parses the fonts now (at start-up or before a benchmark) instead of on the first render. */
export function preloadFonts(options: { cjk?: boolean } = {}): void {
  latinFonts()
  if (options.cjk) cjkFonts()
}

const covered = new Map<number, boolean>()

/** Whether DejaVu Sans draws every character of `text` (memoised per code point). */
export function latinCovers(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    // Printable ASCII is always covered: skip the lookup on the common path.
    if (unit >= 0x20 && unit < 0x7f) continue
    const cp = text.codePointAt(i)!
    if (cp > 0xffff) i++
    let ok = covered.get(cp)
    if (ok === undefined) {
      ok = cp < 0x20 || latinFonts().regular.hasGlyphForCodePoint(cp)
      covered.set(cp, ok)
    }
    if (!ok) return false
  }
  return true
}

/**
 * Splits text into runs that DejaVu draws and runs it does not (set in the CJK face), so a name mixing
 * Greek and Japanese keeps every glyph. Returns one run for the common, fully covered case.
 */
export function fontRuns(text: string): { text: string; cjk: boolean }[] {
  if (latinCovers(text)) return [{ text, cjk: false }]
  const runs: { text: string; cjk: boolean }[] = []
  for (const ch of text) {
    // Spaces and punctuation stay with the run they are in.
    const cjk = /[\s\p{P}]/u.test(ch) && runs.length ? runs[runs.length - 1]!.cjk : !latinCovers(ch)
    const last = runs[runs.length - 1]
    if (last && last.cjk === cjk) last.text += ch
    else runs.push({ text: ch, cjk })
  }
  return runs
}

/** The parsed font for a face; the CJK faces load on first use. */
export function fontFor(face: FontFace): Font {
  switch (face) {
    case 'regular':
      return latinFonts().regular
    case 'bold':
      return latinFonts().bold
    case 'cjk':
      return cjkFonts().regular
    case 'cjk-bold':
      return cjkFonts().bold
  }
}
