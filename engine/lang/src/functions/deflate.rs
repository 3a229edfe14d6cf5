//! A byte-exact reimplementation of the gzip stream Terraform's
//! `base64gzip` produces: Go's `compress/gzip` writer around
//! `compress/flate` at `DefaultCompression` (level 6), driven as one
//! `Write`, one `Flush` and one `Close`.
//!
//! Every decision that shapes the output bytes follows Go: the 4-byte hash
//! and its hash chains, lazy matching with level 6's limits, the token
//! buffer size that ends a block, the window shifting that decides when a
//! block can still be stored, the length-limited Huffman code construction
//! with its tie-breaking, and the size comparison between stored, fixed
//! and dynamic blocks. Nothing here panics on any input.

// ------------------------------------------------------------------ constants

const WINDOW_SIZE: usize = 1 << 15;
const WINDOW_MASK: usize = WINDOW_SIZE - 1;
const BASE_MATCH_LENGTH: usize = 3;
const MIN_MATCH_LENGTH: usize = 4;
const MAX_MATCH_LENGTH: usize = 258;
const BASE_MATCH_OFFSET: usize = 1;
const MAX_FLATE_BLOCK_TOKENS: usize = 1 << 14;
const MAX_STORE_BLOCK_SIZE: usize = 65535;
const HASH_BITS: u32 = 17;
const HASH_SIZE: usize = 1 << HASH_BITS;
const HASH_MASK: u32 = (1 << HASH_BITS) - 1;
const MAX_HASH_OFFSET: i64 = 1 << 24;
const HASH_MUL: u32 = 0x1e35_a7bd;
/// Sentinel block start once the block's bytes left the window.
const NO_BLOCK_START: i64 = i32::MAX as i64;

// Level 6 parameters.
const GOOD: usize = 8;
const LAZY: usize = 16;
const NICE: usize = 128;
const CHAIN: usize = 128;

const MAX_NUM_LIT: usize = 286;
const OFFSET_CODE_COUNT: usize = 30;
const END_BLOCK_MARKER: usize = 256;
const LENGTH_CODES_START: usize = 257;
const CODEGEN_CODE_COUNT: usize = 19;
const BAD_CODE: u8 = 255;

const MATCH_TYPE: u32 = 1 << 30;
const LENGTH_SHIFT: u32 = 22;
const OFFSET_MASK: u32 = (1 << LENGTH_SHIFT) - 1;

const LENGTH_EXTRA_BITS: [u8; 29] =
    [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const LENGTH_BASE: [u32; 29] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 255];
const OFFSET_EXTRA_BITS: [u8; 30] =
    [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const OFFSET_BASE: [u32; 30] = [
    0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0006, 0x0008, 0x000c, 0x0010, 0x0018, 0x0020, 0x0030, 0x0040, 0x0060,
    0x0080, 0x00c0, 0x0100, 0x0180, 0x0200, 0x0300, 0x0400, 0x0600, 0x0800, 0x0c00, 0x1000, 0x1800, 0x2000, 0x3000,
    0x4000, 0x6000,
];
const CODEGEN_ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

// ------------------------------------------------------------------ gzip

/// The gzip stream Go's `gzip.NewWriter` writes for `data` after one
/// `Write`, one `Flush` and `Close`.
pub(super) fn gzip(data: &[u8]) -> Vec<u8> {
    // Magic, deflate, no flags, zero mtime, no extra flags (default level), OS unknown.
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    let mut c = Compressor::new(out);
    c.write(data);
    c.sync_flush();
    c.close();
    let mut out = c.w.b.out;
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// The raw deflate stream (no gzip framing) for one Write, Flush and Close.
#[cfg(test)]
fn deflate_raw(data: &[u8]) -> Vec<u8> {
    let mut c = Compressor::new(Vec::new());
    c.write(data);
    c.sync_flush();
    c.close();
    c.w.b.out
}

/// IEEE CRC-32 (the gzip trailer checksum).
pub(super) fn crc32(data: &[u8]) -> u32 {
    static TABLES: std::sync::OnceLock<Box<[[u32; 256]; 8]>> = std::sync::OnceLock::new();
    let t = TABLES.get_or_init(|| {
        let mut t = Box::new([[0u32; 256]; 8]);
        for i in 0..256u32 {
            let mut c = i;
            for _ in 0..8 {
                c = if c & 1 != 0 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 };
            }
            t[0][i as usize] = c;
        }
        for i in 0..256 {
            for k in 1..8 {
                let prev = t[k - 1][i];
                t[k][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            }
        }
        t
    });
    let mut crc: u32 = !0;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let lo = crc ^ u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        crc = t[7][(lo & 0xff) as usize]
            ^ t[6][((lo >> 8) & 0xff) as usize]
            ^ t[5][((lo >> 16) & 0xff) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][c[4] as usize]
            ^ t[2][c[5] as usize]
            ^ t[1][c[6] as usize]
            ^ t[0][c[7] as usize];
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ t[0][((crc ^ b as u32) & 0xff) as usize];
    }
    !crc
}

// ------------------------------------------------------------------ tokens

fn literal_token(b: u8) -> u32 {
    b as u32
}

fn match_token(xlength: usize, xoffset: usize) -> u32 {
    MATCH_TYPE + ((xlength as u32) << LENGTH_SHIFT) + xoffset as u32
}

fn token_length(t: u32) -> u32 {
    (t - MATCH_TYPE) >> LENGTH_SHIFT
}

fn token_offset(t: u32) -> u32 {
    t & OFFSET_MASK
}

/// Length code (0..=28) for `xlength` = match length - 3.
fn length_code(xlength: u32) -> usize {
    const TABLE: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut code = 0;
        while code < 29 {
            let start = LENGTH_BASE[code] as usize;
            let end = if code + 1 < 29 { LENGTH_BASE[code + 1] as usize } else { 256 };
            let mut i = start;
            while i < end {
                t[i] = code as u8;
                i += 1;
            }
            code += 1;
        }
        t
    };
    TABLE[(xlength & 0xff) as usize] as usize
}

/// Offset code (0..=29) for `xoffset` = match distance - 1.
fn offset_code(xoffset: u32) -> usize {
    const TABLE: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut code = 0;
        while code < 16 {
            let start = OFFSET_BASE[code] as usize;
            let end = if code + 1 < 16 { OFFSET_BASE[code + 1] as usize } else { 256 };
            let mut i = start;
            while i < end {
                t[i] = code as u8;
                i += 1;
            }
            code += 1;
        }
        t
    };
    let off = xoffset as usize;
    if off < 256 {
        TABLE[off] as usize
    } else if off >> 7 < 256 {
        TABLE[off >> 7] as usize + 14
    } else {
        TABLE[(off >> 14) & 0xff] as usize + 28
    }
}

// ------------------------------------------------------------------ Huffman codes

#[derive(Clone, Copy, Default)]
struct Node {
    literal: u16,
    freq: i32,
}

#[derive(Clone, Copy, Default)]
struct LevelInfo {
    last_freq: i32,
    next_char_freq: i32,
    next_pair_freq: i32,
    needed: i32,
}

const MAX_BITS_LIMIT: usize = 16;

struct HuffmanEncoder {
    code: Vec<u16>,
    len: Vec<u16>,
    list: Vec<Node>,
}

fn reverse_bits(code: u32, len: u32) -> u16 {
    if len == 0 || len > 16 {
        return 0;
    }
    ((code as u16) << (16 - len)).reverse_bits()
}

impl HuffmanEncoder {
    fn new(size: usize) -> HuffmanEncoder {
        HuffmanEncoder { code: vec![0; size], len: vec![0; size], list: Vec::with_capacity(size + 1) }
    }

    fn fixed_literal() -> HuffmanEncoder {
        let mut h = HuffmanEncoder::new(MAX_NUM_LIT);
        for ch in 0..MAX_NUM_LIT as u32 {
            let (bits, size) = match ch {
                0..=143 => (ch + 48, 8),
                144..=255 => (ch + 400 - 144, 9),
                256..=279 => (ch - 256, 7),
                _ => (ch + 192 - 280, 8),
            };
            h.code[ch as usize] = reverse_bits(bits, size);
            h.len[ch as usize] = size as u16;
        }
        h
    }

    fn fixed_offset() -> HuffmanEncoder {
        let mut h = HuffmanEncoder::new(OFFSET_CODE_COUNT);
        for i in 0..OFFSET_CODE_COUNT {
            h.code[i] = reverse_bits(i as u32, 5);
            h.len[i] = 5;
        }
        h
    }

    fn bit_length(&self, freq: &[i32]) -> i64 {
        freq.iter().zip(&self.len).filter(|(f, _)| **f != 0).map(|(f, l)| *f as i64 * *l as i64).sum()
    }

    /// The minimum-redundancy code for `freq` with code lengths limited to
    /// `max_bits`, built the way Go builds it.
    fn generate(&mut self, freq: &[i32], max_bits: i32) {
        let mut list = std::mem::take(&mut self.list);
        list.clear();
        for (i, &f) in freq.iter().enumerate() {
            if f != 0 {
                list.push(Node { literal: i as u16, freq: f });
            } else if let Some(l) = self.len.get_mut(i) {
                *l = 0;
            }
        }
        if list.len() <= 2 {
            // Every present symbol gets a 1-bit code, in symbol order.
            for (i, node) in list.iter().enumerate() {
                let s = node.literal as usize;
                if s < self.code.len() {
                    self.code[s] = i as u16;
                    self.len[s] = 1;
                }
            }
            self.list = list;
            return;
        }
        list.sort_unstable_by_key(|node| (node.freq, node.literal));
        let bit_count = bit_counts(&list, max_bits);
        self.assign(&bit_count, &mut list);
        self.list = list;
    }

    fn assign(&mut self, bit_count: &[i32], list: &mut [Node]) {
        let mut code: u32 = 0;
        let mut end = list.len();
        for (n, &bits) in bit_count.iter().enumerate() {
            code <<= 1;
            if n == 0 || bits <= 0 {
                continue;
            }
            let bits = (bits as usize).min(end);
            let chunk = &mut list[end - bits..end];
            chunk.sort_unstable_by_key(|node| node.literal);
            for node in chunk.iter() {
                let s = node.literal as usize;
                if s < self.code.len() {
                    self.code[s] = reverse_bits(code, n as u32);
                    self.len[s] = n as u16;
                }
                code += 1;
            }
            end -= bits;
        }
    }
}

/// How many symbols get each code length (index = length), for a list of
/// at least 3 nodes sorted by increasing frequency.
fn bit_counts(list: &[Node], max_bits: i32) -> Vec<i32> {
    let n = list.len() as i32;
    let freq_at = |k: i32| -> i32 {
        if k >= 0 && (k as usize) < list.len() {
            list[k as usize].freq
        } else {
            i32::MAX
        }
    };
    let max_bits = max_bits.min(n - 1).clamp(1, MAX_BITS_LIMIT as i32 - 1) as usize;
    let mut levels = [LevelInfo::default(); MAX_BITS_LIMIT + 1];
    let mut leaf_counts = [[0i32; MAX_BITS_LIMIT]; MAX_BITS_LIMIT];
    for level in 1..=max_bits {
        levels[level] = LevelInfo {
            last_freq: freq_at(1),
            next_char_freq: freq_at(2),
            next_pair_freq: if level == 1 { i32::MAX } else { freq_at(0).wrapping_add(freq_at(1)) },
            needed: 0,
        };
        leaf_counts[level][level] = 2;
    }
    levels[max_bits].needed = 2 * n - 4;

    let mut level = max_bits;
    // Bounded loop: the construction needs O(n * max_bits) steps.
    let mut budget: u64 = 64 * (n as u64 + 2) * (max_bits as u64 + 2);
    loop {
        if budget == 0 {
            break;
        }
        budget -= 1;
        if level == 0 || level > max_bits {
            break;
        }
        let l = levels[level];
        if l.next_pair_freq == i32::MAX && l.next_char_freq == i32::MAX {
            levels[level].needed = 0;
            levels[level + 1].next_pair_freq = i32::MAX;
            level += 1;
            continue;
        }
        let prev_freq = l.last_freq;
        if l.next_char_freq < l.next_pair_freq {
            let k = leaf_counts[level][level] + 1;
            levels[level].last_freq = l.next_char_freq;
            leaf_counts[level][level] = k;
            levels[level].next_char_freq = freq_at(k);
        } else {
            levels[level].last_freq = l.next_pair_freq;
            let (lower, upper) = leaf_counts.split_at_mut(level);
            upper[0][..level].copy_from_slice(&lower[level - 1][..level]);
            levels[level - 1].needed = 2;
        }
        levels[level].needed -= 1;
        if levels[level].needed == 0 {
            if level == max_bits {
                break;
            }
            levels[level + 1].next_pair_freq = prev_freq.wrapping_add(levels[level].last_freq);
            level += 1;
        } else {
            while level > 1 && levels[level - 1].needed > 0 {
                level -= 1;
            }
        }
    }

    let mut bit_count = vec![0i32; max_bits + 1];
    let counts = &leaf_counts[max_bits];
    // Level `max_bits` holds the symbols with the shortest codes.
    for (bits, level) in (1..).zip((1..=max_bits).rev()) {
        bit_count[bits] = counts[level] - counts[level - 1];
    }
    bit_count
}

// ------------------------------------------------------------------ bit writer

/// LSB-first bit output.
struct Bits {
    out: Vec<u8>,
    bits: u64,
    nbits: u32,
}

impl Bits {
    #[inline]
    fn write_bits(&mut self, b: u32, nb: u32) {
        self.bits |= (b as u64) << self.nbits;
        self.nbits += nb;
        if self.nbits >= 48 {
            let bits = self.bits;
            self.bits >>= 48;
            self.nbits -= 48;
            self.out.extend_from_slice(&bits.to_le_bytes()[..6]);
        }
    }

    /// Writes out all pending bits, padding the last byte with zeros.
    fn flush(&mut self) {
        while self.nbits > 0 {
            self.out.push(self.bits as u8);
            self.bits >>= 8;
            self.nbits = self.nbits.saturating_sub(8);
        }
        self.bits = 0;
    }
}

struct HuffmanBitWriter {
    b: Bits,
    literal_freq: [i32; MAX_NUM_LIT],
    offset_freq: [i32; OFFSET_CODE_COUNT],
    codegen_freq: [i32; CODEGEN_CODE_COUNT],
    codegen: Vec<u8>,
    literal_encoding: HuffmanEncoder,
    offset_encoding: HuffmanEncoder,
    codegen_encoding: HuffmanEncoder,
    fixed_literal: HuffmanEncoder,
    fixed_offset: HuffmanEncoder,
}

impl HuffmanBitWriter {
    fn new(out: Vec<u8>) -> HuffmanBitWriter {
        HuffmanBitWriter {
            b: Bits { out, bits: 0, nbits: 0 },
            literal_freq: [0; MAX_NUM_LIT],
            offset_freq: [0; OFFSET_CODE_COUNT],
            codegen_freq: [0; CODEGEN_CODE_COUNT],
            codegen: Vec::with_capacity(MAX_NUM_LIT + OFFSET_CODE_COUNT + 1),
            literal_encoding: HuffmanEncoder::new(MAX_NUM_LIT),
            offset_encoding: HuffmanEncoder::new(OFFSET_CODE_COUNT),
            codegen_encoding: HuffmanEncoder::new(CODEGEN_CODE_COUNT),
            fixed_literal: HuffmanEncoder::fixed_literal(),
            fixed_offset: HuffmanEncoder::fixed_offset(),
        }
    }

    #[inline]
    fn write_bits(&mut self, b: u32, nb: u32) {
        self.b.write_bits(b, nb);
    }

    #[inline]
    fn write_code(&mut self, code: u16, len: u16) {
        self.b.write_bits(code as u32, len as u32);
    }

    fn flush(&mut self) {
        self.b.flush();
    }

    fn write_bytes(&mut self, bytes: &[u8]) {
        // Only called right after a stored header, so the bit buffer is
        // byte-aligned.
        self.b.flush();
        self.b.out.extend_from_slice(bytes);
    }

    fn write_stored_header(&mut self, length: usize, eof: bool) {
        self.write_bits(eof as u32, 3);
        self.flush();
        let length = length as u16;
        self.write_bits(length as u32, 16);
        self.write_bits(!length as u32, 16);
    }

    fn write_fixed_header(&mut self, eof: bool) {
        self.write_bits(if eof { 3 } else { 2 }, 3);
    }

    /// Run-length encodes the code lengths of both trees (RFC 1951 3.2.7)
    /// into `codegen`, counting symbol uses in `codegen_freq`.
    fn generate_codegen(&mut self, num_literals: usize, num_offsets: usize, use_fixed_offsets: bool) {
        self.codegen_freq = [0; CODEGEN_CODE_COUNT];
        let mut lens: Vec<u8> = Vec::with_capacity(num_literals + num_offsets + 1);
        lens.extend(self.literal_encoding.len[..num_literals].iter().map(|&l| l as u8));
        let off = if use_fixed_offsets { &self.fixed_offset } else { &self.offset_encoding };
        lens.extend(off.len[..num_offsets].iter().map(|&l| l as u8));
        lens.push(BAD_CODE);

        let cg = &mut self.codegen;
        let freq = &mut self.codegen_freq;
        cg.clear();
        let mut size = lens[0];
        let mut count: i32 = 1;
        let mut in_index = 1;
        while size != BAD_CODE {
            let next = lens[in_index];
            in_index += 1;
            if next == size {
                count += 1;
                continue;
            }
            if size != 0 {
                cg.push(size);
                freq[size as usize] += 1;
                count -= 1;
                while count >= 3 {
                    let n = count.min(6);
                    cg.push(16);
                    cg.push((n - 3) as u8);
                    freq[16] += 1;
                    count -= n;
                }
            } else {
                while count >= 11 {
                    let n = count.min(138);
                    cg.push(18);
                    cg.push((n - 11) as u8);
                    freq[18] += 1;
                    count -= n;
                }
                if count >= 3 {
                    cg.push(17);
                    cg.push((count - 3) as u8);
                    freq[17] += 1;
                    count = 0;
                }
            }
            while count > 0 {
                cg.push(size);
                freq[size as usize] += 1;
                count -= 1;
            }
            size = next;
            count = 1;
        }
        cg.push(BAD_CODE);
    }

    /// Size in bits of a dynamic block and the number of code-length codes
    /// its header lists.
    fn dynamic_size(&self, use_fixed_offsets: bool, extra_bits: i64) -> (i64, usize) {
        let mut num_codegens = CODEGEN_CODE_COUNT;
        while num_codegens > 4 && self.codegen_freq[CODEGEN_ORDER[num_codegens - 1]] == 0 {
            num_codegens -= 1;
        }
        let f = &self.codegen_freq;
        let header = 3
            + 5
            + 5
            + 4
            + 3 * num_codegens as i64
            + self.codegen_encoding.bit_length(f)
            + f[16] as i64 * 2
            + f[17] as i64 * 3
            + f[18] as i64 * 7;
        let off = if use_fixed_offsets { &self.fixed_offset } else { &self.offset_encoding };
        let size = header
            + self.literal_encoding.bit_length(&self.literal_freq)
            + off.bit_length(&self.offset_freq)
            + extra_bits;
        (size, num_codegens)
    }

    fn fixed_size(&self, extra_bits: i64) -> i64 {
        3 + self.fixed_literal.bit_length(&self.literal_freq)
            + self.fixed_offset.bit_length(&self.offset_freq)
            + extra_bits
    }

    fn write_dynamic_header(&mut self, num_literals: usize, num_offsets: usize, num_codegens: usize, eof: bool) {
        self.write_bits(if eof { 5 } else { 4 }, 3);
        self.write_bits((num_literals - 257) as u32, 5);
        self.write_bits((num_offsets - 1) as u32, 5);
        self.write_bits((num_codegens - 4) as u32, 4);
        for &sym in &CODEGEN_ORDER[..num_codegens] {
            let l = self.codegen_encoding.len[sym];
            self.write_bits(l as u32, 3);
        }
        let mut i = 0;
        while i < self.codegen.len() {
            let cw = self.codegen[i];
            i += 1;
            if cw == BAD_CODE {
                break;
            }
            let (c, l) = (self.codegen_encoding.code[cw as usize], self.codegen_encoding.len[cw as usize]);
            self.write_code(c, l);
            let extra = match cw {
                16 => 2,
                17 => 3,
                18 => 7,
                _ => 0,
            };
            if extra > 0 {
                let v = self.codegen.get(i).copied().unwrap_or(0);
                self.write_bits(v as u32, extra);
                i += 1;
            }
        }
    }

    /// Counts symbol frequencies of `tokens` plus the end-of-block marker
    /// and builds both dynamic codes; returns the numbers of literal/length
    /// and offset codes the header must describe.
    fn index_tokens(&mut self, tokens: &[u32]) -> (usize, usize) {
        self.literal_freq = [0; MAX_NUM_LIT];
        self.offset_freq = [0; OFFSET_CODE_COUNT];
        for &t in tokens {
            if t < MATCH_TYPE {
                self.literal_freq[(t & 0xff) as usize] += 1;
            } else {
                self.literal_freq[LENGTH_CODES_START + length_code(token_length(t))] += 1;
                self.offset_freq[offset_code(token_offset(t))] += 1;
            }
        }
        self.literal_freq[END_BLOCK_MARKER] += 1;
        let mut num_literals = MAX_NUM_LIT;
        while num_literals > 0 && self.literal_freq[num_literals - 1] == 0 {
            num_literals -= 1;
        }
        let mut num_offsets = OFFSET_CODE_COUNT;
        while num_offsets > 0 && self.offset_freq[num_offsets - 1] == 0 {
            num_offsets -= 1;
        }
        if num_offsets == 0 {
            // A dynamic header needs at least one offset code.
            self.offset_freq[0] = 1;
            num_offsets = 1;
        }
        self.literal_encoding.generate(&self.literal_freq, 15);
        self.offset_encoding.generate(&self.offset_freq, 15);
        (num_literals, num_offsets)
    }

    /// Writes one non-final block holding `tokens`, as whichever of stored
    /// (only when `input` is known and fits), fixed or dynamic is smallest.
    fn write_block(&mut self, tokens: &[u32], eof: bool, input: Option<&[u8]>) {
        let (num_literals, num_offsets) = self.index_tokens(tokens);

        let stored = input.filter(|i| i.len() <= MAX_STORE_BLOCK_SIZE);
        let stored_size = stored.map(|i| (i.len() as i64 + 5) * 8);
        let mut extra_bits: i64 = 0;
        if stored.is_some() {
            for code in LENGTH_CODES_START + 8..num_literals {
                extra_bits += self.literal_freq[code] as i64 * LENGTH_EXTRA_BITS[code - LENGTH_CODES_START] as i64;
            }
            let offsets = self.offset_freq[..num_offsets].iter().zip(OFFSET_EXTRA_BITS);
            for (&freq, extra) in offsets.skip(4) {
                extra_bits += freq as i64 * extra as i64;
            }
        }

        let mut size = self.fixed_size(extra_bits);
        let mut dynamic = false;
        self.generate_codegen(num_literals, num_offsets, false);
        let freq = self.codegen_freq;
        self.codegen_encoding.generate(&freq, 7);
        let (dynamic_size, num_codegens) = self.dynamic_size(false, extra_bits);
        if dynamic_size < size {
            size = dynamic_size;
            dynamic = true;
        }

        if let (Some(input), Some(stored_size)) = (stored, stored_size) {
            if stored_size < size {
                self.write_stored_header(input.len(), eof);
                self.write_bytes(input);
                return;
            }
        }

        if dynamic {
            self.write_dynamic_header(num_literals, num_offsets, num_codegens, eof);
            self.write_tokens(tokens, false);
        } else {
            self.write_fixed_header(eof);
            self.write_tokens(tokens, true);
        }
    }

    fn write_tokens(&mut self, tokens: &[u32], fixed: bool) {
        let (lit, off) = if fixed {
            (&self.fixed_literal, &self.fixed_offset)
        } else {
            (&self.literal_encoding, &self.offset_encoding)
        };
        let b = &mut self.b;
        for &t in tokens {
            if t < MATCH_TYPE {
                let s = (t & 0xff) as usize;
                b.write_bits(lit.code[s] as u32, lit.len[s] as u32);
                continue;
            }
            let length = token_length(t);
            let lc = length_code(length);
            let s = lc + LENGTH_CODES_START;
            b.write_bits(lit.code[s] as u32, lit.len[s] as u32);
            let extra = LENGTH_EXTRA_BITS[lc] as u32;
            if extra > 0 {
                b.write_bits(length.wrapping_sub(LENGTH_BASE[lc]), extra);
            }
            let offset = token_offset(t);
            let oc = offset_code(offset);
            b.write_bits(off.code[oc] as u32, off.len[oc] as u32);
            let extra = OFFSET_EXTRA_BITS[oc] as u32;
            if extra > 0 {
                b.write_bits(offset.wrapping_sub(OFFSET_BASE[oc]), extra);
            }
        }
        b.write_bits(lit.code[END_BLOCK_MARKER] as u32, lit.len[END_BLOCK_MARKER] as u32);
    }
}

// ------------------------------------------------------------------ LZ77

#[inline]
fn hash4(b: &[u8]) -> u32 {
    let v = (b[3] as u32) | (b[2] as u32) << 8 | (b[1] as u32) << 16 | (b[0] as u32) << 24;
    v.wrapping_mul(HASH_MUL) >> (32 - HASH_BITS)
}

/// Number of equal leading bytes of `a` and `b`, at most `max`.
#[inline]
fn match_len(a: &[u8], b: &[u8], max: usize) -> usize {
    let max = max.min(a.len()).min(b.len());
    let (a, b) = (&a[..max], &b[..max]);
    let mut i = 0;
    while i + 8 <= max {
        let x = u64::from_le_bytes(a[i..i + 8].try_into().unwrap_or([0; 8]));
        let y = u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
        let d = x ^ y;
        if d != 0 {
            return i + (d.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < max && a[i] == b[i] {
        i += 1;
    }
    i
}

struct Compressor {
    w: HuffmanBitWriter,
    sync: bool,
    chain_head: i64,
    hash_head: Vec<u32>,
    hash_prev: Vec<u32>,
    hash_offset: i64,
    index: usize,
    window: Vec<u8>,
    window_end: usize,
    block_start: i64,
    byte_available: bool,
    tokens: Vec<u32>,
    length: usize,
    offset: usize,
    max_insert_index: i64,
}

impl Compressor {
    fn new(out: Vec<u8>) -> Compressor {
        Compressor {
            w: HuffmanBitWriter::new(out),
            sync: false,
            chain_head: -1,
            hash_head: vec![0; HASH_SIZE],
            hash_prev: vec![0; WINDOW_SIZE],
            hash_offset: 1,
            index: 0,
            window: vec![0; 2 * WINDOW_SIZE],
            window_end: 0,
            block_start: 0,
            byte_available: false,
            tokens: Vec::with_capacity(MAX_FLATE_BLOCK_TOKENS + 1),
            length: MIN_MATCH_LENGTH - 1,
            offset: 0,
            max_insert_index: 0,
        }
    }

    fn write(&mut self, mut b: &[u8]) {
        while !b.is_empty() {
            self.deflate();
            let n = self.fill(b);
            b = &b[n..];
        }
    }

    fn sync_flush(&mut self) {
        self.sync = true;
        self.deflate();
        self.w.write_stored_header(0, false);
        self.w.flush();
        self.sync = false;
    }

    fn close(&mut self) {
        self.sync = true;
        self.deflate();
        self.w.write_stored_header(0, true);
        self.w.flush();
    }

    /// Copies input into the window, first sliding the window down by
    /// `WINDOW_SIZE` when the search position is near its end.
    fn fill(&mut self, b: &[u8]) -> usize {
        if self.index >= 2 * WINDOW_SIZE - (MIN_MATCH_LENGTH + MAX_MATCH_LENGTH) {
            self.window.copy_within(WINDOW_SIZE..2 * WINDOW_SIZE, 0);
            self.index -= WINDOW_SIZE;
            self.window_end = self.window_end.saturating_sub(WINDOW_SIZE);
            if self.block_start >= WINDOW_SIZE as i64 {
                self.block_start -= WINDOW_SIZE as i64;
            } else {
                self.block_start = NO_BLOCK_START;
            }
            self.hash_offset += WINDOW_SIZE as i64;
            if self.hash_offset > MAX_HASH_OFFSET {
                let delta = self.hash_offset - 1;
                self.hash_offset -= delta;
                self.chain_head -= delta;
                for v in self.hash_prev.iter_mut().chain(self.hash_head.iter_mut()) {
                    *v = if *v as i64 > delta { (*v as i64 - delta) as u32 } else { 0 };
                }
            }
        }
        let n = b.len().min(self.window.len() - self.window_end);
        self.window[self.window_end..self.window_end + n].copy_from_slice(&b[..n]);
        self.window_end += n;
        n
    }

    /// Emits the pending tokens as a block ending at window position `index`.
    fn write_block(&mut self, index: usize) {
        if index > 0 {
            let input =
                if self.block_start <= index as i64 { self.window.get(self.block_start as usize..index) } else { None };
            self.block_start = index as i64;
            self.w.write_block(&self.tokens, false, input);
        }
        self.tokens.clear();
    }

    fn insert_hash(&mut self, index: usize) {
        let h = hash4(&self.window[index..index + MIN_MATCH_LENGTH]);
        let hh = &mut self.hash_head[(h & HASH_MASK) as usize];
        self.hash_prev[index & WINDOW_MASK] = *hh;
        *hh = (index as i64 + self.hash_offset) as u32;
    }

    /// Searches the hash chain from `prev_head` for a match at `pos` longer
    /// than `prev_length`.
    fn find_match(&self, pos: usize, prev_head: i64, prev_length: usize, lookahead: usize) -> Option<(usize, usize)> {
        let min_match_look = MAX_MATCH_LENGTH.min(lookahead);
        let win = &self.window[..pos + min_match_look];
        let nice = NICE.min(min_match_look);
        let mut tries = CHAIN;
        let mut length = prev_length;
        if length >= GOOD {
            tries >>= 2;
        }
        let mut found = None;
        let mut w_end = *win.get(pos + length)?;
        let w_pos = &win[pos..];
        let min_index = pos as i64 - WINDOW_SIZE as i64;
        let mut i = prev_head;
        while tries > 0 {
            if i < 0 || i as usize >= pos {
                break;
            }
            let iu = i as usize;
            if win.get(iu + length) == Some(&w_end) {
                let n = match_len(&win[iu..], w_pos, min_match_look);
                if n > length && (n > MIN_MATCH_LENGTH || pos - iu <= 4096) {
                    length = n;
                    found = Some((n, pos - iu));
                    if n >= nice {
                        break;
                    }
                    match win.get(pos + n) {
                        Some(&b) => w_end = b,
                        None => break,
                    }
                }
            }
            if i == min_index {
                break;
            }
            i = self.hash_prev[iu & WINDOW_MASK] as i64 - self.hash_offset;
            if i < min_index || i < 0 {
                break;
            }
            tries -= 1;
        }
        found
    }

    /// Level 6 LZ77 with lazy matching over the unprocessed window.
    fn deflate(&mut self) {
        if self.window_end.saturating_sub(self.index) < MIN_MATCH_LENGTH + MAX_MATCH_LENGTH && !self.sync {
            return;
        }
        self.max_insert_index = self.window_end as i64 - (MIN_MATCH_LENGTH as i64 - 1);

        loop {
            if self.index > self.window_end {
                // Cannot happen; stop rather than read past the data.
                self.index = self.window_end;
            }
            let lookahead = self.window_end - self.index;
            if lookahead < MIN_MATCH_LENGTH + MAX_MATCH_LENGTH {
                if !self.sync {
                    break;
                }
                if lookahead == 0 {
                    if self.byte_available {
                        let b = self.window[self.index - 1];
                        self.tokens.push(literal_token(b));
                        self.byte_available = false;
                    }
                    if !self.tokens.is_empty() {
                        self.write_block(self.index);
                    }
                    break;
                }
            }
            if (self.index as i64) < self.max_insert_index {
                let h = hash4(&self.window[self.index..self.index + MIN_MATCH_LENGTH]);
                let hh = &mut self.hash_head[(h & HASH_MASK) as usize];
                self.chain_head = *hh as i64;
                self.hash_prev[self.index & WINDOW_MASK] = *hh;
                *hh = (self.index as i64 + self.hash_offset) as u32;
            }
            let prev_length = self.length;
            let prev_offset = self.offset;
            self.length = MIN_MATCH_LENGTH - 1;
            self.offset = 0;
            let min_index = self.index.saturating_sub(WINDOW_SIZE) as i64;

            if self.chain_head - self.hash_offset >= min_index && lookahead > prev_length && prev_length < LAZY {
                if let Some((l, o)) =
                    self.find_match(self.index, self.chain_head - self.hash_offset, MIN_MATCH_LENGTH - 1, lookahead)
                {
                    self.length = l;
                    self.offset = o;
                }
            }
            if prev_length >= MIN_MATCH_LENGTH && self.length <= prev_length {
                // The previous position's match is at least as good: emit it.
                self.tokens
                    .push(match_token(prev_length - BASE_MATCH_LENGTH, prev_offset.saturating_sub(BASE_MATCH_OFFSET)));
                // Hash every position the match covers (the first two are done).
                let new_index = self.index + prev_length - 1;
                self.index += 1;
                while self.index < new_index {
                    if (self.index as i64) < self.max_insert_index {
                        self.insert_hash(self.index);
                    }
                    self.index += 1;
                }
                self.byte_available = false;
                self.length = MIN_MATCH_LENGTH - 1;
                if self.tokens.len() == MAX_FLATE_BLOCK_TOKENS {
                    self.write_block(self.index);
                }
            } else {
                if self.byte_available {
                    let i = self.index - 1;
                    self.tokens.push(literal_token(self.window[i]));
                    if self.tokens.len() == MAX_FLATE_BLOCK_TOKENS {
                        self.write_block(i + 1);
                    }
                }
                self.index += 1;
                self.byte_available = true;
            }
        }
    }
}

// ------------------------------------------------------------------ tests

#[cfg(test)]
mod tests {
    use super::*;

    fn inflate(data: &[u8]) -> Vec<u8> {
        use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
        use miniz_oxide::inflate::TINFLStatus;
        let mut d = DecompressorOxide::new();
        let mut out = vec![0u8; data.len() * 8 + 1024];
        let mut out_pos = 0;
        let mut in_pos = 0;
        loop {
            let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
            let (status, n_in, n_out) = decompress(&mut d, &data[in_pos..], &mut out, out_pos, flags);
            in_pos += n_in;
            out_pos += n_out;
            match status {
                TINFLStatus::Done => break,
                TINFLStatus::HasMoreOutput => {
                    let n = out.len() * 2;
                    out.resize(n, 0);
                }
                s => panic!("inflate failed: {s:?}"),
            }
        }
        assert_eq!(in_pos, data.len(), "trailing data after the final block");
        out.truncate(out_pos);
        out
    }

    /// A small deterministic generator (xorshift64*).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n.max(1)
        }
    }

    fn generate(rng: &mut Rng, len: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(len);
        let alphabet = 1 + rng.below(256) as u8 as u64;
        while v.len() < len {
            match rng.below(4) {
                0 => v.push(rng.below(alphabet) as u8),
                1 if !v.is_empty() => {
                    // Copy an earlier stretch (creates matches at many distances).
                    let dist = 1 + rng.below(v.len().min(40_000) as u64) as usize;
                    let n = 1 + rng.below(300) as usize;
                    let start = v.len() - dist;
                    for k in 0..n {
                        let b = v[start + k];
                        v.push(b);
                    }
                }
                2 => {
                    let b = rng.below(alphabet) as u8;
                    let n = rng.below(600) as usize;
                    v.extend(std::iter::repeat_n(b, n));
                }
                _ => {
                    let n = rng.below(40) as usize;
                    for _ in 0..n {
                        v.push(rng.next() as u8);
                    }
                }
            }
        }
        v.truncate(len);
        v
    }

    #[test]
    fn round_trips_generated_inputs() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut sizes: Vec<usize> = (0..70).collect();
        sizes.extend([255, 256, 257, 258, 259, 260, 261, 262, 263, 1000, 4096, 16384, 32767, 32768, 32769]);
        sizes.extend([65274, 65535, 65536, 65537, 100_000, 131_072, 300_000]);
        for _ in 0..150 {
            sizes.push(rng.below(200_000) as usize);
        }
        for len in sizes {
            let data = generate(&mut rng, len);
            let raw = deflate_raw(&data);
            assert_eq!(inflate(&raw), data, "round trip failed for length {len}");
        }
    }

    #[test]
    fn round_trips_special_inputs() {
        let cases: Vec<Vec<u8>> = vec![
            vec![],
            vec![0],
            vec![0; 1],
            vec![0; 3_000_000],
            b"a".repeat(100_000),
            b"ab".repeat(70_000),
            (0..=255u8).cycle().take(500_000).collect(),
            (0..2_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect(),
        ];
        for data in cases {
            let raw = deflate_raw(&data);
            assert_eq!(inflate(&raw), data, "round trip failed for length {}", data.len());
        }
    }

    #[test]
    fn gzip_framing_matches_go() {
        // Go's output for "test" (header, fixed block, sync marker, final block, trailer).
        let expected: [u8; 33] = [
            0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0x2a, 0x49, 0x2d, 0x2e, 0x01, 0, 0, 0, 0xff, 0xff, 0x01, 0, 0, 0xff,
            0xff, 0x0c, 0x7e, 0x7f, 0xd8, 4, 0, 0, 0,
        ];
        assert_eq!(gzip(b"test"), expected);
    }

    #[test]
    fn crc32_matches_reference() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let mut slow: u32 = !0;
        for &b in &data {
            slow ^= b as u32;
            for _ in 0..8 {
                slow = if slow & 1 != 0 { (slow >> 1) ^ 0xEDB8_8320 } else { slow >> 1 };
            }
        }
        assert_eq!(crc32(&data), !slow);
    }
}
