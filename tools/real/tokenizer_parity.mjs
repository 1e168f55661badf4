// Tokenizer parity corpus and transformers.js's answers for every real kit's tokenizer.json (issue 24).
//
//   node tools/real/tokenizer_parity.mjs KITS_DIR > out.json
//
// The strings come from a fixed-seed generator (mulberry32, seed 24): English, Spanish, Chinese, Japanese, emoji,
// numbers, whitespace runs, each tokenizer's own special tokens inside text, other scripts, and very long inputs.
// For each kit it records transformers.js 4.3.x's ids (special tokens added as the tokenizer's post-processor and
// tokenizer_config say) and the decoded text (skip_special_tokens true and false). A kit without
// tokenizer_config.json (whisper-large-v3) is read with @huggingface/tokenizers directly, because transformers.js'
// AutoTokenizer requires that file.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..', '..');
const require = createRequire(path.join(root, 'tools', 'zoo', 'package.json'));
const tf = await import(require.resolve('@huggingface/transformers'));
const { Tokenizer } = require('@huggingface/tokenizers');
tf.env.allowRemoteModels = false;
tf.env.allowLocalModels = true;
tf.env.useBrowserCache = false;
tf.env.useFSCache = false;

export const KITS = ['Xenova__clip-vit-base-patch32', 'openai__whisper-base', 'openai__whisper-large-v3',
  'Xenova__vit-gpt2-image-captioning', 'llava-hf__llava-1.5-7b-hf', 'HuggingFaceTB__SmolVLM-256M-Instruct',
  'Salesforce__blip-image-captioning-base', 'Salesforce__blip-vqa-base', 'Xenova__all-MiniLM-L6-v2'];

function mulberry32(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EN = 'the a of and to in is it that was for on are with as his they be at one have this from by hot word but what some we can out other were all there when up use your how said an each she which do their time if will way about many then them write would like so these her long make thing see him two has look more day could go come did number sound no most people my over know water than call first who may down side been now find any new work part take get place made live where after back little only round man year came show every good me give our under name very through just form sentence great think say help low line differ turn cause much mean before move right boy old too same tell does set three want air well also play small end put home read hand port large spell add even land here must big high such follow act why ask men change went light kind off need house picture try us again animal point mother world near build self earth father don\'t it\'s I\'m we\'ll they\'ve OpenAI GPT-4 iPhone U.S.A. e.g. Mr. Dr. naïve café résumé coöperate façade'.split(' ');
const ES = 'el la de que y a en un ser se no haber por con su para como estar tener le lo todo pero más hacer o poder decir este ir otro ese si me ya ver porque dar cuando él muy sin vez mucho saber qué sobre mi alguno mismo yo también hasta año dos querer entre así primero desde grande eso ni nos llegar pasar tiempo ella sí día uno bien poco deber entonces poner cosa tanto hombre parecer nuestro tan donde ahora parte después vida quedar siempre creer hablar llevar dejar nada cada seguir menos nuevo encontrar niño señor corazón mañana pingüino ¿Dónde ¡Hola! acción información canción'.split(' ');
const ZH = '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持音猫狗咖啡火箭'.split('');
const JA = ['こんにちは', '世界', 'ありがとう', 'ございます', '日本語', 'の', 'は', 'が', 'を', 'に', 'で', 'と', 'カタカナ', 'テスト', 'コーヒー', 'ロケット', '猫', '東京', '大阪', '寿司', 'ラーメン', '今日は', 'いい天気', 'ですね', '。', '、', '「', '」', 'ｶﾀｶﾅ', 'ﾃｽﾄ', '１２３', 'ＡＢＣ'];
const EMOJI = ['😀', '🚀', '🐱', '☕', '👍🏽', '👨‍👩‍👧‍👦', '🇯🇵', '🇪🇸', '❤️', '✨', '🤖', '🧑🏿‍🚀', '🏳️‍🌈', '😂😂😂', '🙏', '⭐', '🔥', '1️⃣', '©', '™'];
const OTHER = ['Привет мир', 'Ελληνικά', 'مرحبا بالعالم', 'שלום', 'नमस्ते दुनिया', '안녕하세요 세계', 'ไทย', 'Ünïcödé', 'e\u0301', 'a\u0308o\u0308u\u0308', 'ﬁ ﬂ', 'Ⅻ', '½ ¾', '\u00a0nbsp\u00a0', 'zero\u200bwidth', 'tab\there', 'soft\u00adhyphen', '\u3000ideographic\u3000space', 'x\u0000y', 'bell\u0007'];
const SPACES = [' ', '  ', '   ', '\t', '\n', '\n\n', '\r\n', ' \n ', '\u00a0', '\u3000', '      ', '\t\t', ' \t\n'];

export function corpus(specials) {
  const rnd = mulberry32(24);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const int = (n) => Math.floor(rnd() * n);
  const words = (list, n, sep = ' ') => Array.from({ length: n }, () => pick(list)).join(sep);
  const number = () => pick([
    () => String(int(10)), () => String(int(100000)), () => (rnd() * 1000).toFixed(int(4)), () => '-' + int(999),
    () => int(1000000).toLocaleString('en-US'), () => `+1 (${100 + int(900)}) ${100 + int(900)}-${1000 + int(9000)}`,
    () => `${1900 + int(200)}-${1 + int(12)}-${1 + int(28)}`, () => `${int(100)}%`, () => `$${int(10000)}.${int(100)}`,
    () => '3.14159265358979', () => String(2 ** 53), () => '0x' + int(65536).toString(16), () => '1e-7', () => '٣٤٥',
  ])();
  const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  const generators = {
    english: () => capital(words(EN, 1 + int(14))) + pick(['.', '!', '?', '', ',', '...', ' :)']),
    spanish: () => pick(['', '¿', '¡']) + capital(words(ES, 1 + int(12))) + pick(['.', '?', '!', '']),
    chinese: () => words(ZH, 1 + int(20), '') + pick(['。', '，', '！', '', '？']),
    japanese: () => words(JA, 1 + int(10), ''),
    emoji: () => words([...EMOJI, ...EN.slice(0, 40)], 1 + int(8), pick([' ', '', ' '])),
    numbers: () => Array.from({ length: 1 + int(5) }, number).join(pick([' ', ', ', ' and ', '/'])),
    whitespace: () => Array.from({ length: 1 + int(6) }, () => pick([pick(EN), pick(SPACES), pick(ES)])).join(pick(SPACES)),
    special: () => {
      const parts = Array.from({ length: 2 + int(5) }, () => (rnd() < 0.45 && specials.length ? pick(specials) : pick([pick(EN), pick(ES), pick(ZH), pick(EMOJI)])));
      return parts.join(pick([' ', '', '  ', '\n']));
    },
    mixed: () => Array.from({ length: 1 + int(6) }, () => pick([pick(EN), pick(ES), pick(ZH), pick(JA), pick(EMOJI), pick(OTHER), number()])).join(pick([' ', '', ' ', ', '])),
    other: () => pick(OTHER) + pick(['', ' ', '. ']) + pick(OTHER),
  };
  const out = [];
  const names = Object.keys(generators);
  for (let i = 0; i < 2000; i++) out.push(generators[names[i % names.length]]());
  // edge cases and very long inputs
  out.push('', ' ', '\n', '  leading', 'trailing  ', 'UPPER lower MiXeD', 'a'.repeat(300), '🚀'.repeat(200));
  for (let i = 0; i < 12; i++) {
    out.push(Array.from({ length: 400 + int(800) }, () => pick([pick(EN), pick(ES), pick(ZH), pick(JA), pick(EMOJI), number(), pick(SPACES)])).join(' '));
  }
  out.push(words(EN, 5000), words(ZH, 8000, ''), ('Hola mundo ' + specials.join(' ') + ' ').repeat(100));
  return out;
}

async function load(kit, dir) {
  if (fs.existsSync(path.join(dir, 'tokenizer_config.json'))) {
    return { tok: await tf.AutoTokenizer.from_pretrained(path.resolve(dir)), via: 'transformers.js AutoTokenizer' };
  }
  const t = new Tokenizer(JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')), {});
  return { tok: { encode: (s) => t.encode(s).ids, decode: (ids, o) => t.decode(ids, o) }, via: '@huggingface/tokenizers (no tokenizer_config.json)' };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const kits = path.resolve(process.argv[2]);
  tf.env.localModelPath = '/';
  const report = { transformers_js: tf.env.version, kits: {} };
  for (const kit of KITS) {
    const dir = path.join(kits, kit);
    if (!fs.existsSync(path.join(dir, 'tokenizer.json'))) continue;
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
    const specials = (json.added_tokens ?? []).map((t) => t.content).filter((c, i, a) => a.indexOf(c) === i).slice(0, 60);
    const { tok, via } = await load(kit, dir);
    const strings = corpus(specials);
    const cases = strings.map((text) => {
      const ids = Array.from(tok.encode(text));
      const decode = (o) => (ids.length ? tok.decode(ids, o) : '');
      return [text, ids, decode({ skip_special_tokens: true }), decode({ skip_special_tokens: false })];
    });
    report.kits[kit] = { via, cases };
  }
  process.stdout.write(JSON.stringify(report));
}
