/**
 * Generated item text for the search benchmark, reproducible from a seed.
 *
 * Words are drawn from one vocabulary with a Zipf distribution (exponent 1, as word frequencies in
 * natural text roughly follow): a head of English function words (some of them InnoDB stopwords,
 * which take up space but are not indexed), then English content words, then a long tail of
 * generated words (names, jargon, typos) that are each rare, with a few English words placed at
 * known ranks in it. So a content word around rank 100 is in several per cent of the items, a word
 * of rank 1,000 in about 1 %, and three common content words together in a fraction of a per cent:
 * the selectivity of real one-word and three-word queries.
 */

/** Ranks 1–42: the words that fill sentences. */
const FUNCTION_WORDS = (
  'the of and to in is that for it with was on as are this be by from at not have but or ' +
  'you all can one has had they were their there which would our more some into also than then ' +
  'its your'
).split(' ');

/**
 * Ranks 43 onwards, in rank order. None is a prefix of another English word listed here, so a
 * query for one of them (the last query word is matched as a prefix) finds that word, plus the odd
 * rare generated word that happens to start with it, as a real vocabulary would have.
 */
const CONTENT_WORDS = (
  'time people year work day world report system water house small market order place change ' +
  'price group night program point study family history light service plan power field board ' +
  'garden music paper course design result street model table kitchen river letter energy ' +
  'health travel window support budget season process office winter summer bridge camera ' +
  'network customer project review source engine coffee forest island mountain painting ' +
  'library journey weather stone silver copper timber cotton wheel rocket comet circuit ' +
  'harbour valley meadow orchard canyon glacier desert lagoon prairie tundra volcano cathedral ' +
  'castle tower cottage barn chapel theatre museum gallery studio atelier factory warehouse ' +
  'station airport railway highway tunnel canal pier beacon monastery fortress palace ' +
  'recipe bread butter cheese honey pepper garlic onion tomato potato carrot lemon orange ' +
  'apple cherry grape melon peach plum olive walnut almond cinnamon vanilla chocolate ' +
  'battery charger cable monitor keyboard printer scanner router speaker headphone laptop ' +
  'notebook phone watch backpack jacket sweater trousers boots scarf gloves blanket pillow ' +
  'carpet curtain lamp mirror shelf drawer cabinet sofa bench stool ladder hammer drill ' +
  'saw chisel wrench bolt screw nail hinge bracket pulley anchor rope chain sail hull ' +
  'violin guitar piano trumpet flute drum cello harp choir concert opera ballet festival ' +
  'parade carnival market bazaar auction lottery raffle tournament league season match ' +
  'goal referee stadium arena court pitch track marathon sprint relay hurdle javelin ' +
  'falcon eagle sparrow heron owl raven swan goose duck pigeon parrot otter beaver badger ' +
  'fox wolf bear deer moose bison rabbit squirrel hedgehog tortoise lizard salmon trout ' +
  'oak maple birch willow cedar pine spruce elm ash poplar juniper fern moss lichen ivy ' +
  'tulip daisy lily orchid violet poppy lavender rosemary thyme basil mint sage parsley ' +
  'invoice receipt contract license warranty permit ticket voucher coupon refund deposit ' +
  'mortgage pension salary bonus tax audit ledger balance profit revenue expense forecast ' +
  'quarterly annual monthly weekly daily hourly urgent pending approved rejected archived ' +
  'draft final revised updated broken repaired cleaned painted polished sealed wrapped ' +
  'shipped delivered returned exchanged purchased cancelled booked reserved rented sold'
)
  .split(/\s+/)
  .filter((w, i, all) => all.indexOf(w) === i);

/**
 * English words placed at fixed ranks in the tail, so that queries can name a real word of a known
 * rarity: at 100 words an item, rank 600 is in about 1.4 % of the items, rank 10,000 in 0.09 %.
 */
const RARER_WORDS: ReadonlyArray<readonly [string, number]> = [
  ['lantern', 600],
  ['compass', 800],
  ['telescope', 1000],
  ['saddle', 1500],
  ['kayak', 2000],
  ['quilt', 3000],
  ['harmonica', 5000],
  ['zeppelin', 10_000],
];

const TAGS = (
  'news howto review guide recipe travel garden diy music books film tech science health ' +
  'sport finance family kids pets food history art design photo outdoor home work ideas ' +
  'question announcement event sale wanted free local urgent archive draft notes misc'
).split(' ');

/** Generated words after the English ones: enough for a realistic long tail. */
const TAIL_WORDS = 30_000;
const CONSONANTS = 'bdfgklmnprstvz';
const VOWELS = 'aeiou';

/** mulberry32: small, fast and good enough to make text; not for anything secret. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedItem {
  title: string;
  body: string;
  tags: string[];
}

export class Corpus {
  readonly vocabulary: readonly string[];
  private readonly cumulative: Float64Array;
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
    const words = [...FUNCTION_WORDS, ...CONTENT_WORDS];
    const known = new Set([...words, ...RARER_WORDS.map(([w]) => w)]);
    while (words.length < FUNCTION_WORDS.length + CONTENT_WORDS.length + TAIL_WORDS) {
      const syllables = 2 + Math.floor(this.random() * 3);
      let word = '';
      for (let s = 0; s < syllables; s++) {
        word += CONSONANTS[Math.floor(this.random() * CONSONANTS.length)] ?? 'k';
        word += VOWELS[Math.floor(this.random() * VOWELS.length)] ?? 'a';
      }
      if (known.has(word)) continue;
      known.add(word);
      words.push(word);
    }
    for (const [word, rank] of RARER_WORDS) words.splice(rank - 1, 0, word);
    this.vocabulary = words;
    this.cumulative = new Float64Array(words.length);
    let total = 0;
    for (let r = 0; r < words.length; r++) {
      total += 1 / (r + 1);
      this.cumulative[r] = total;
    }
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  word(): string {
    const target = this.random() * (this.cumulative[this.cumulative.length - 1] ?? 1);
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] ?? 0) < target) lo = mid + 1;
      else hi = mid;
    }
    return this.vocabulary[lo] ?? 'the';
  }

  private words(count: number): string[] {
    return Array.from({ length: count }, () => this.word());
  }

  private static capitalised(words: string[]): string {
    const text = words.join(' ');
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  /** 3–8 words, 30–160 words of body in sentences of 5–14 words, 0–3 tags. */
  item(extraWords: readonly string[] = []): GeneratedItem {
    const title = Corpus.capitalised(this.words(this.int(3, 8)));
    const sentences: string[] = [];
    for (let left = this.int(30, 160); left > 0;) {
      const n = Math.min(left, this.int(5, 14));
      sentences.push(`${Corpus.capitalised(this.words(n))}.`);
      left -= n;
    }
    if (extraWords.length > 0) sentences.push(`${Corpus.capitalised([...extraWords])}.`);
    const tagCount = this.int(0, 3);
    const tags = new Set<string>();
    while (tags.size < tagCount) tags.add(TAGS[this.int(0, TAGS.length - 1)] ?? 'misc');
    return { title, body: sentences.join(' '), tags: [...tags] };
  }

  /** A number in [0, 1) from this corpus's sequence (statuses, owners, dates). */
  next(): number {
    return this.random();
  }
}
