// Reads what a prebuilt addon links against straight from its ELF or Mach-O headers (no binutils needed, so the
// same check runs for every target on one machine): format, CPU, interpreter, needed libraries, imported
// symbols with their glibc versions or, for Mach-O, how each is bound.
import { readFileSync } from 'node:fs';

const ELF_MACHINES = { 0x3e: 'x64', 0xb7: 'arm64' };
const MACHO_CPUS = { 0x01000007: 'x64', 0x0100000c: 'arm64' };

function cString(buf, offset) {
  const end = buf.indexOf(0, offset);
  return buf.toString('latin1', offset, end < 0 ? buf.length : end);
}

// 64-bit little-endian ELF shared object: { format, arch, type, interpreter, needed, imports: [{ name, version }] }.
function inspectElf(buf) {
  if (buf[4] !== 2 || buf[5] !== 1) throw new Error('not a 64-bit little-endian ELF file');
  const type = buf.readUInt16LE(16);
  const arch = ELF_MACHINES[buf.readUInt16LE(18)] ?? `machine 0x${buf.readUInt16LE(18).toString(16)}`;
  const phoff = Number(buf.readBigUInt64LE(32));
  const shoff = Number(buf.readBigUInt64LE(40));
  const [phentsize, phnum, shentsize, shnum] = [54, 56, 58, 60].map((o) => buf.readUInt16LE(o));
  let interpreter = null;
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (buf.readUInt32LE(ph) === 3) { // PT_INTERP
      interpreter = cString(buf, Number(buf.readBigUInt64LE(ph + 8)));
    }
  }
  const sections = [];
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    sections.push({ type: buf.readUInt32LE(sh + 4), offset: Number(buf.readBigUInt64LE(sh + 24)),
      size: Number(buf.readBigUInt64LE(sh + 32)), link: buf.readUInt32LE(sh + 40), entsize: Number(buf.readBigUInt64LE(sh + 56)) });
  }
  const dynamic = sections.find((s) => s.type === 6); // SHT_DYNAMIC
  const dynsym = sections.find((s) => s.type === 11); // SHT_DYNSYM
  const versym = sections.find((s) => s.type === 0x6fffffff); // SHT_GNU_versym
  const verneed = sections.find((s) => s.type === 0x6ffffffe); // SHT_GNU_verneed
  const needed = [];
  if (dynamic) {
    const strtab = sections[dynamic.link].offset;
    for (let o = dynamic.offset; o < dynamic.offset + dynamic.size; o += 16) {
      const tag = Number(buf.readBigInt64LE(o));
      if (tag === 0) break;
      if (tag === 1) needed.push(cString(buf, strtab + Number(buf.readBigUInt64LE(o + 8)))); // DT_NEEDED
    }
  }
  // Version index -> name (e.g. GLIBC_2.17) from the version-needed records.
  const versionNames = new Map();
  if (verneed) {
    const strtab = sections[verneed.link].offset;
    let entry = verneed.offset;
    for (;;) {
      const count = buf.readUInt16LE(entry + 2);
      let aux = entry + buf.readUInt32LE(entry + 8);
      for (let i = 0; i < count; i++) {
        versionNames.set(buf.readUInt16LE(aux + 6) & 0x7fff, cString(buf, strtab + buf.readUInt32LE(aux + 8)));
        const next = buf.readUInt32LE(aux + 12);
        if (!next) break;
        aux += next;
      }
      const next = buf.readUInt32LE(entry + 12);
      if (!next) break;
      entry += next;
    }
  }
  const imports = [];
  if (dynsym) {
    const strtab = sections[dynsym.link].offset;
    const count = dynsym.size / dynsym.entsize;
    for (let i = 1; i < count; i++) {
      const sym = dynsym.offset + i * dynsym.entsize;
      if (buf.readUInt16LE(sym + 6) !== 0) continue; // defined here (st_shndx != SHN_UNDEF)
      const name = cString(buf, strtab + buf.readUInt32LE(sym));
      const version = versym ? versionNames.get(buf.readUInt16LE(versym.offset + i * 2) & 0x7fff) ?? null : null;
      imports.push({ name, version });
    }
  }
  return { format: 'elf', arch, type: type === 3 ? 'shared' : type === 2 ? 'executable' : `type ${type}`, interpreter, needed, imports };
}

function uleb(buf, state) {
  let value = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buf[state.at++];
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if (!(byte & 0x80)) return Number(value);
  }
}

// Library ordinal per imported symbol from dyld's bind opcodes (LC_DYLD_INFO): what dyld actually uses.
// -2 (BIND_SPECIAL_DYLIB_FLAT_LOOKUP) is -undefined dynamic_lookup: found in whatever image loaded the addon.
function bindOrdinals(buf, start, size, ordinals) {
  const state = { at: start };
  let ordinal = 0;
  let name = null;
  while (state.at < start + size) {
    const byte = buf[state.at++];
    const opcode = byte & 0xf0;
    const imm = byte & 0x0f;
    if (opcode === 0x10) ordinal = imm;
    else if (opcode === 0x20) ordinal = uleb(buf, state);
    else if (opcode === 0x30) ordinal = imm === 0 ? 0 : (0xf0 | imm) - 0x100;
    else if (opcode === 0x40) {
      name = cString(buf, state.at).replace(/^_/, '');
      state.at += Buffer.byteLength(name, 'latin1') + 2;
    } else if (opcode === 0x60 || opcode === 0x70 || opcode === 0x80 || opcode === 0xa0) uleb(buf, state);
    else if (opcode === 0xc0) {
      uleb(buf, state);
      uleb(buf, state);
    } else if (opcode === 0xd0 && imm === 0x00) uleb(buf, state);
    if ((opcode === 0x90 || opcode === 0xa0 || opcode === 0xb0 || opcode === 0xc0) && name !== null) ordinals.set(name, ordinal);
  }
}

// The same from LC_DYLD_CHAINED_FIXUPS (newer linkers): the imports table, format 1 (DYLD_CHAINED_IMPORT).
function chainedImportOrdinals(buf, start, ordinals) {
  const importsOffset = buf.readUInt32LE(start + 8);
  const symbolsOffset = buf.readUInt32LE(start + 12);
  const count = buf.readUInt32LE(start + 16);
  const format = buf.readUInt32LE(start + 20);
  if (format !== 1) throw new Error(`chained fixups imports format ${format} not read`);
  for (let i = 0; i < count; i++) {
    const entry = buf.readUInt32LE(start + importsOffset + i * 4);
    const ordinal = (entry & 0xff) >= 0xf0 ? (entry & 0xff) - 0x100 : entry & 0xff;
    ordinals.set(cString(buf, start + symbolsOffset + (entry >>> 9)).replace(/^_/, ''), ordinal);
  }
}

// 64-bit Mach-O: { format, arch, type, needed (LC_LOAD_DYLIB), imports: [{ name, ordinal, dynamicLookup }] }.
// ordinal is how dyld binds the import (1.. = the n-th needed dylib, -2 = flat lookup, null = never bound); an
// import made with -undefined dynamic_lookup is resolved in whatever image loaded the addon (node).
function inspectMachO(buf) {
  const arch = MACHO_CPUS[buf.readUInt32LE(4)] ?? `cpu 0x${buf.readUInt32LE(4).toString(16)}`;
  const filetype = buf.readUInt32LE(12);
  const ncmds = buf.readUInt32LE(16);
  const needed = [];
  const ordinals = new Map();
  let symtab = null;
  let offset = 32;
  for (let i = 0; i < ncmds; i++) {
    const cmd = buf.readUInt32LE(offset) & 0x7fffffff;
    const size = buf.readUInt32LE(offset + 4);
    if (cmd === 0x0c || cmd === 0x18 || cmd === 0x1f) needed.push(cString(buf, offset + buf.readUInt32LE(offset + 8))); // LC_(LOAD|LOAD_WEAK|REEXPORT)_DYLIB
    if (cmd === 0x02) symtab = { symoff: buf.readUInt32LE(offset + 8), nsyms: buf.readUInt32LE(offset + 12), stroff: buf.readUInt32LE(offset + 16) };
    if (cmd === 0x22) { // LC_DYLD_INFO(_ONLY): bind, weak bind, lazy bind streams
      for (const at of [16, 24, 32]) bindOrdinals(buf, buf.readUInt32LE(offset + at), buf.readUInt32LE(offset + at + 4), ordinals);
    }
    if (cmd === 0x34) chainedImportOrdinals(buf, buf.readUInt32LE(offset + 8), ordinals); // LC_DYLD_CHAINED_FIXUPS
    offset += size;
  }
  const imports = [];
  if (symtab) {
    for (let i = 0; i < symtab.nsyms; i++) {
      const nlist = symtab.symoff + i * 16;
      const type = buf[nlist + 4];
      if ((type & 0xe0) !== 0 || (type & 0x0e) !== 0 || (type & 0x01) === 0) continue; // stab, defined, or local
      const name = cString(buf, symtab.stroff + buf.readUInt32LE(nlist)).replace(/^_/, '');
      const ordinal = ordinals.has(name) ? ordinals.get(name) : null;
      imports.push({ name, ordinal, dynamicLookup: ordinal === -2 });
    }
  }
  return { format: 'macho', arch, type: filetype === 6 ? 'shared' : filetype === 8 ? 'bundle' : `filetype ${filetype}`, interpreter: null, needed, imports };
}

export function inspectBinary(file) {
  const buf = readFileSync(file);
  if (buf.readUInt32BE(0) === 0x7f454c46) return inspectElf(buf);
  if (buf.readUInt32LE(0) === 0xfeedfacf) return inspectMachO(buf);
  throw new Error(`${file}: neither ELF nor 64-bit Mach-O (magic 0x${buf.readUInt32BE(0).toString(16)})`);
}
