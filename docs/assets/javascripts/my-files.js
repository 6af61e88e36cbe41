// The reader's own files (FILES below, the package's READER_FILES), kept in the page.
//
// window.sgMyFiles is used by runner.js. The files live in localStorage under the book's
// version (runner.js sets the prefix), so they survive a closed tab and go from chapter
// to chapter. "Add to my engine" puts a listing's region into its file: the regions, in
// source order, with the text each adds (leading blank lines included) come from the
// build's code/regions.json (docs/hooks/listings.py), fetched on the first Add only. A
// file nobody edited is rebuilt as the build builds code/NN/: its header for the latest
// chapter added, then the added regions in source order. So adding every main-text
// listing of the checker's chapters gives exactly code/LAST/ (the last snapshot). A file the reader edited is never
// rebuilt: the region goes after the nearest earlier region found in it, and the page
// says so. Also: a zip of the files (stored, no compression) and reading one back.

(() => {
  const FILES = ["engine.py", "nn.py", "training.py", "datasets.py"];
  // The reader's answers to the questions and exercises (questions.js), beside the files.
  const ANSWERS = "answers.json";
  const REGIONS = new URL("../../code/regions.json", document.currentScript.src);
  let regions = null; // Promise of regions.json's "files"

  const state = {
    prefix: "sg:?:",
    get(key) {
      try {
        return localStorage.getItem(this.prefix + key);
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        if (value === null) localStorage.removeItem(this.prefix + key);
        else localStorage.setItem(this.prefix + key, value);
      } catch {
        // disabled or full: the files last as long as the page
      }
    },
  };

  // What was added: {chapter: latest chapter added at, added: {file: [region names]}}
  function meta() {
    try {
      return JSON.parse(state.get("files-meta")) || { chapter: 0, added: {} };
    } catch {
      return { chapter: 0, added: {} };
    }
  }

  function files() {
    const all = {};
    for (const name of FILES) {
      const text = state.get(`file:${name}`);
      if (text !== null) all[name] = text;
    }
    return all;
  }

  function write(name, text) {
    if (!FILES.includes(name)) throw new Error(`${name} is not one of ${FILES.join(", ")}`);
    state.set(`file:${name}`, text);
  }

  function load() {
    if (!regions) {
      regions = fetch(REGIONS).then((r) => {
        if (!r.ok) throw new Error(`code/regions.json: HTTP ${r.status}`);
        return r.json();
      }).then((data) => data.files).catch((error) => {
        regions = null;
        throw error;
      });
    }
    return regions;
  }

  // The file as the build writes it: header for `chapter`, then the added regions in order.
  function compose(spec, chapter, added) {
    const header = spec.header.replaceAll("{chapter}", String(chapter));
    return header + spec.regions.filter((r) => added.includes(r.name)).map((r) => r.text).join("");
  }

  // Put region `name` of `file` into the reader's files; returns what happened, in words.
  async function add(file, name, chapter) {
    const specs = await load();
    const spec = specs[file];
    const region = spec?.regions.find((r) => r.name === name);
    if (!region) throw new Error(`code/regions.json has no region ${name} in ${file}`);
    const m = meta();
    const before = files();
    // which files are as the build would write them (not edited by the reader)
    const pristine = {};
    for (const [f, s] of Object.entries(specs)) {
      const added = m.added[f] || [];
      pristine[f] = before[f] === undefined ? added.length === 0
        : before[f] === compose(s, m.chapter, added);
    }
    const added = m.added[file] || [];
    const already = added.includes(name);
    if (!already) m.added[file] = spec.regions.map((r) => r.name).filter((n) => n === name || added.includes(n));
    m.chapter = Math.max(m.chapter, chapter);
    let said;
    if (pristine[file]) {
      said = already ? `already in your ${file}` : `added to your ${file}`;
    } else if (already && before[file].includes(region.text.trim())) {
      said = `already in your ${file} (which you have edited)`;
    } else {
      // edited by the reader: insert after the nearest earlier region found in the text
      const text = before[file];
      const order = spec.regions.map((r) => r.name);
      let at = -1;
      let after = "the end";
      for (let i = order.indexOf(name) - 1; i >= 0; i--) {
        const earlier = spec.regions[i];
        if (!m.added[file].includes(earlier.name)) continue;
        const found = text.indexOf(earlier.text.trim());
        if (found >= 0) {
          at = found + earlier.text.trim().length;
          after = `after its ${earlier.name} part`;
          break;
        }
      }
      if (at < 0) at = text.length;
      const rest = text.slice(at);
      write(file, text.slice(0, at) + region.text.replace(/\n+$/, "\n") + (rest.startsWith("\n") ? "" : "\n") + rest);
      said = `added to your ${file}, which you have edited: it went ${after}`;
      pristine[file] = false;
    }
    state.set("files-meta", JSON.stringify(m));
    for (const [f, s] of Object.entries(specs)) {
      if (pristine[f] && (m.added[f] || []).length) write(f, compose(s, m.chapter, m.added[f]));
    }
    return said;
  }

  function forget() {
    for (const name of FILES) state.set(`file:${name}`, null);
    state.set("files-meta", null);
  }

  // --- zip: the files in a folder, stored (no compression), as every unzip reads -----------

  const CRC = (() => {
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();

  function crc32(bytes) {
    let c = 0xffffffff;
    for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }

  function zip(entries) {
    const encoder = new TextEncoder();
    const parts = [];
    const central = [];
    let offset = 0;
    const DOS_DATE = (2026 - 1980) << 9 | 1 << 5 | 1; // a fixed date: same files, same bytes
    for (const [name, text] of Object.entries(entries)) {
      const path = encoder.encode(name);
      const data = encoder.encode(text);
      const crc = crc32(data);
      const local = new DataView(new ArrayBuffer(30));
      local.setUint32(0, 0x04034b50, true);
      local.setUint16(4, 20, true);
      local.setUint16(6, 0x0800, true); // names are UTF-8
      local.setUint16(12, DOS_DATE, true);
      local.setUint32(14, crc, true);
      local.setUint32(18, data.length, true);
      local.setUint32(22, data.length, true);
      local.setUint16(26, path.length, true);
      parts.push(new Uint8Array(local.buffer), path, data);
      const entry = new DataView(new ArrayBuffer(46));
      entry.setUint32(0, 0x02014b50, true);
      entry.setUint16(4, 0x0314, true); // made by Unix, version 2.0
      entry.setUint16(6, 20, true);
      entry.setUint16(8, 0x0800, true);
      entry.setUint16(14, DOS_DATE, true);
      entry.setUint32(16, crc, true);
      entry.setUint32(20, data.length, true);
      entry.setUint32(24, data.length, true);
      entry.setUint16(28, path.length, true);
      entry.setUint32(38, (0o100644 << 16) >>> 0, true);
      entry.setUint32(42, offset, true);
      central.push(new Uint8Array(entry.buffer), path);
      offset += 30 + path.length + data.length;
    }
    const size = central.reduce((n, p) => n + p.length, 0);
    const end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, central.length / 2, true);
    end.setUint16(10, central.length / 2, true);
    end.setUint32(12, size, true);
    end.setUint32(16, offset, true);
    return new Blob([...parts, ...central, new Uint8Array(end.buffer)], { type: "application/zip" });
  }

  // The reader's files from a zip (stored or deflated, any folder) or from .py files.
  async function read(fileList) {
    const found = {};
    const decoder = new TextDecoder("utf-8", { fatal: true });
    for (const file of fileList) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const base = file.name.split("/").pop();
      if (base.endsWith(".py")) {
        if (FILES.includes(base)) found[base] = decoder.decode(bytes);
        continue;
      }
      if (base === ANSWERS) {
        found[base] = decoder.decode(bytes);
        continue;
      }
      const view = new DataView(bytes.buffer);
      let at = bytes.length - 22;
      while (at >= 0 && view.getUint32(at, true) !== 0x06054b50) at--;
      if (at < 0) throw new Error(`${file.name} is neither a zip nor a .py file`);
      let entry = view.getUint32(at + 16, true);
      for (let i = 0; i < view.getUint16(at + 10, true); i++) {
        const method = view.getUint16(entry + 10, true);
        const packed = view.getUint32(entry + 20, true);
        const nameLength = view.getUint16(entry + 28, true);
        const extra = view.getUint16(entry + 30, true) + view.getUint16(entry + 32, true);
        const local = view.getUint32(entry + 42, true);
        const name = new TextDecoder().decode(bytes.subarray(entry + 46, entry + 46 + nameLength));
        const begin = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
        const base = name.split("/").pop();
        if ((FILES.includes(base) || base === ANSWERS) && !name.includes("__MACOSX")) {
          let data = bytes.subarray(begin, begin + packed);
          if (method === 8) {
            const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
            data = new Uint8Array(await new Response(stream).arrayBuffer());
          } else if (method !== 0) {
            throw new Error(`${name} in ${file.name} is compressed with method ${method}; only stored and deflate are read`);
          }
          found[base] = decoder.decode(data);
        }
        entry += 46 + nameLength + extra;
      }
    }
    if (!Object.keys(found).length) {
      throw new Error(`no ${FILES.join(", ")} found in ${[...fileList].map((f) => f.name).join(", ")}`);
    }
    return found;
  }

  window.sgMyFiles = { FILES, ANSWERS, state, files, write, add, forget, meta, zip, read, load };
})();
