/* Unpacks the plotly.js that the HTML report (planner.files.report) carries compressed with
 * Python's lzma (format "alone") and base64, so a report stays small and still opens offline
 * in any browser that can run plotly.js itself.
 *
 * runPacked(base64, size) decodes and runs the script at once, as a <script> in the page would.
 * lzmaDecode(bytes, size) is a direct port of LzmaSpec.cpp, the reference decoder of the
 * LZMA SDK by Igor Pavlov (public domain; https://www.7-zip.org/sdk.html), with the whole
 * output as its window: it returns the first `size` bytes the stream holds, or throws.
 * Plain ES5: it must not be the reason an older browser shows nothing.
 */
function lzmaDecode(src, size) {
  "use strict";
  var PROB_INIT = 1024, TOP = 16777216;  // probabilities are 11-bit; the range stays >= 2^24
  var props = src[0], lc = props % 9, lp = Math.floor(props / 9) % 5;
  var pb = Math.floor(props / 45);
  if (pb > 4) throw new Error("LZMA: bad properties byte");
  var pos = 13;  // after props (1), dictionary size (4) and unpacked size (8)
  var out = new Uint8Array(size), n = 0;

  // The range decoder: range and code are unsigned 32-bit numbers, held as doubles.
  if (src[pos++] !== 0) throw new Error("LZMA: bad stream start");
  var range = 0xFFFFFFFF, code = 0, i;
  for (i = 0; i < 4; i++) code = code * 256 + src[pos++];
  if (code === range) throw new Error("LZMA: corrupted stream");

  function bit(probs, k) {
    var p = probs[k], bound = (range >>> 11) * p, b;
    if (code < bound) {
      probs[k] = p + ((2048 - p) >>> 5); range = bound; b = 0;
    } else {
      probs[k] = p - (p >>> 5); code -= bound; range -= bound; b = 1;
    }
    if (range < TOP) { range = range * 256; code = code * 256 + src[pos++]; }
    return b;
  }
  function directBits(count) {
    var res = 0;
    for (; count > 0; count--) {
      range = range >>> 1;
      var b = code >= range ? 1 : 0;
      if (b) code -= range;
      res = res * 2 + b;
      if (range < TOP) { range = range * 256; code = code * 256 + src[pos++]; }
    }
    return res;
  }
  function tree(probs, base, bits) {
    var m = 1;
    for (var j = 0; j < bits; j++) m = (m << 1) + bit(probs, base + m);
    return m - (1 << bits);
  }
  function reverseTree(probs, base, bits) {
    var m = 1, sym = 0;
    for (var j = 0; j < bits; j++) {
      var b = bit(probs, base + m);
      m = (m << 1) + b; sym |= b << j;
    }
    return sym;
  }
  function probs(count) {
    var p = new Uint16Array(count);
    for (var j = 0; j < count; j++) p[j] = PROB_INIT;
    return p;
  }
  function lenCoder() {  // choice (0), choice 2 (1), low [2, 130), mid [130, 258), high [258, 514)
    return probs(514);
  }
  function decodeLen(c, posState) {
    if (bit(c, 0) === 0) return tree(c, 2 + (posState << 3), 3);
    if (bit(c, 1) === 0) return 8 + tree(c, 130 + (posState << 3), 3);
    return 16 + tree(c, 258, 8);
  }

  var literals = probs(0x300 << (lc + lp));
  var isMatch = probs(192), isRep = probs(12), isRepG0 = probs(12), isRepG1 = probs(12);
  var isRepG2 = probs(12), isRep0Long = probs(192);
  var posSlots = probs(256), posCoders = probs(115), align = probs(16);
  var lens = lenCoder(), repLens = lenCoder();
  var pbMask = (1 << pb) - 1, lpMask = (1 << lp) - 1;
  var state = 0, rep0 = 0, rep1 = 0, rep2 = 0, rep3 = 0;

  function literal() {
    var prev = n > 0 ? out[n - 1] : 0, sym = 1;
    var base = 0x300 * (((n & lpMask) << lc) + (prev >>> (8 - lc)));
    if (state >= 7) {  // after a match: the byte at rep0 guides the first bits
      var matchByte = out[n - rep0 - 1];
      do {
        var matchBit = (matchByte >>> 7) & 1;
        matchByte <<= 1;
        var b = bit(literals, base + ((1 + matchBit) << 8) + sym);
        sym = (sym << 1) | b;
        if (matchBit !== b) break;
      } while (sym < 0x100);
    }
    while (sym < 0x100) sym = (sym << 1) | bit(literals, base + sym);
    out[n++] = sym - 0x100;
  }
  function distance(len) {
    var slot = tree(posSlots, (len < 3 ? len : 3) << 6, 6);
    if (slot < 4) return slot;
    var direct = (slot >>> 1) - 1, dist = (2 | (slot & 1)) * Math.pow(2, direct);
    if (slot < 14) return dist + reverseTree(posCoders, dist - slot, direct);
    return dist + directBits(direct - 4) * 16 + reverseTree(align, 0, 4);
  }

  while (n < size) {
    var posState = n & pbMask, len;
    if (bit(isMatch, (state << 4) + posState) === 0) {
      literal();
      state = state < 4 ? 0 : (state < 10 ? state - 3 : state - 6);
      continue;
    }
    if (bit(isRep, state) !== 0) {
      if (n === 0) throw new Error("LZMA: corrupted stream");
      if (bit(isRepG0, state) === 0) {
        if (bit(isRep0Long, (state << 4) + posState) === 0) {  // one byte from rep0
          state = state < 7 ? 9 : 11;
          out[n] = out[n - rep0 - 1]; n++;
          continue;
        }
      } else {
        var dist;
        if (bit(isRepG1, state) === 0) {
          dist = rep1;
        } else {
          if (bit(isRepG2, state) === 0) { dist = rep2; } else { dist = rep3; rep3 = rep2; }
          rep2 = rep1;
        }
        rep1 = rep0; rep0 = dist;
      }
      len = decodeLen(repLens, posState);
      state = state < 7 ? 8 : 11;
    } else {
      rep3 = rep2; rep2 = rep1; rep1 = rep0;
      len = decodeLen(lens, posState);
      state = state < 7 ? 7 : 10;
      rep0 = distance(len);
      // The end marker (rep0 = 2^32 - 1) before `size` bytes is an error, as is any
      // distance reaching before the start.
      if (rep0 >= n) throw new Error("LZMA: corrupted stream or early end");
    }
    len += 2;
    if (n + len > size) throw new Error("LZMA: stream longer than expected");
    for (var from = n - rep0 - 1; len > 0; len--) out[n++] = out[from++];
  }
  if (pos > src.length) throw new Error("LZMA: stream cut short");
  return out;
}

function runPacked(base64, size) {
  "use strict";
  var text = atob(base64), bytes = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  var script = document.createElement("script");  // runs as soon as it is in the page
  script.text = new TextDecoder("utf-8").decode(lzmaDecode(bytes, size));
  document.head.appendChild(script);
}
