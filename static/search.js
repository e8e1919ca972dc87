/* sitegen search client: no dependencies, classic script, works from file:// and any subpath.
   Index pieces are classic scripts calling sgsReg(name, data); see docs/search.md. */
(() => {
  "use strict";
  var me = document.currentScript;
  var BASE = (me && me.getAttribute("data-index")) || "search/";
  var PAGE = 10;
  var cache = Object.create(null), waiting = {}; // index pieces by name (no inherited keys)
  /* request rounds: each phase of a query that had to fetch something (benchRun reports it) */
  var phase = 0, fetchedIn = new Set();
  /* benchRun's phase marks: ms since the query started (null outside benchRun) */
  var T = null;
  function mark(k) { if (T) T[k] = performance.now() - T.t0; }
  var TOKEN = /[\p{L}\p{N}_*]+(?:\.?[\p{L}\p{N}_*]+)*/gu;

  window.sgsReg = (name, data) => {
    cache[name] = data;
    var w = waiting[name];
    if (w) { delete waiting[name]; w.forEach(f => { f(data); }); }
  };

  function load(name, tag) {
    if (name in cache) return Promise.resolve(cache[name]);
    return new Promise(resolve => {
      if (waiting[name]) { waiting[name].push(resolve); return; }
      waiting[name] = [resolve];
      fetchedIn.add(tag || phase);
      var s = document.createElement("script");
      s.src = BASE + name + ".js";
      s.async = true;
      var done = () => {
        s.remove();
        if (!(name in cache)) window.sgsReg(name, null);
      };
      s.onload = done; s.onerror = done;
      document.head.appendChild(s);
    });
  }

  /* ------------------------------------------------------------ decoding */
  function b64(s) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(s); // native (Chromium 140+, Firefox 133+)
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  /* a doc set -> ascending doc numbers (Int32Array) */
  function docset(enc) {
    if (enc[0] !== "v") return setBits(bitmap(enc));
    var bytes = b64(enc.slice(1)), out = new Int32Array(bytes.length), o = 0;
    var d = -1, val = 0, shift = 0;
    for (var j = 0; j < bytes.length; j++) {
      val |= (bytes[j] & 127) << shift;
      if (bytes[j] & 128) { shift += 7; continue; }
      d += val + 1; out[o++] = d; val = 0; shift = 0;
    }
    return out.subarray(0, o);
  }
  /* a bitmap ("b") or complement ("c<n>.": the docs 0..n-1 but the varints' ones) doc set as a bitmap */
  function bitmap(enc) {
    if (enc[0] === "b") return b64(enc.slice(1));
    var dot = enc.indexOf("."), n = +enc.slice(1, dot), by = new Uint8Array(n + 7 >> 3).fill(255);
    by[by.length - 1] = (1 << n - 8 * by.length + 8) - 1;
    docset("v" + enc.slice(dot + 1)).forEach(d => { by[d >> 3] ^= 1 << (d & 7); });
    return by;
  }
  /* a bitmap's set bits (bit i of byte b: doc 8b + i) */
  function setBits(bytes) {
    var out = new Int32Array(bytes.length * 8), o = 0;
    for (var i = 0; i < bytes.length; i++) {
      var v = bytes[i];
      while (v) { var low = v & -v; out[o++] = i * 8 + (31 - Math.clz32(low)); v ^= low; }
    }
    return out.subarray(0, o);
  }
  function varints(enc) {
    var bytes = b64(enc), out = [], val = 0, shift = 0;
    for (var i = 0; i < bytes.length; i++) {
      val += (bytes[i] & 127) * Math.pow(2, shift);
      if (bytes[i] & 128) { shift += 7; continue; }
      out.push(val); val = 0; shift = 0;
    }
    return out;
  }
  /* ------------------------------------------------------------ dictionary */
  var meta = null, stops = null;
  function ready() {
    if (meta) return Promise.resolve(meta);
    return load("meta").then(m => {
      if (!m) throw new Error("search index not found");
      meta = m;
      stops = new Set(m.stop);
      return m;
    });
  }
  function fileKey(k) { return k.replace(/[^a-zA-Z0-9]/gu, c => "_" + c.codePointAt(0).toString(16) + "_") || "_"; }
  /* a form's dictionary shard: its first depth[first character] characters (code points) */
  function depthOf(form) { var c = Array.from(form); return c.length ? (meta.depth || {})[c[0]] || 1 : 1; }
  function shardKey(form) { return Array.from(form).slice(0, depthOf(form)).join(""); }
  /* every shard holding a completion of p: one when p is at least a key long, else the keys
     under p listed in d/_i<first char> (front-coded: "<chars shared with the previous key><rest>") */
  function shardsForPrefix(p) {
    var d = depthOf(p), cs = Array.from(p);
    if (cs.length >= d) return Promise.resolve([cs.slice(0, d).join("")]);
    return load("d/_i" + fileKey(cs[0])).then(list => {
      var out = [], prev = "";
      (list || "").split(" ").forEach(t => {
        if (!t) return;
        prev = prev.slice(0, +t[0]) + t.slice(1);
        if (prev.startsWith(p)) out.push(prev);
      });
      return out;
    });
  }
  /* the overlay's word forms starting with form's first character (o/d, letters changed since
     the build: see docs/search.md); meta.od lists the characters that have one */
  function odName(form) {
    var c = Array.from(form)[0];
    return meta.o && c && (meta.od || "").indexOf(c) >= 0 ? "o/d/" + fileKey(c) : null;
  }
  function odict(form, tag) { var o = odName(form); return o ? load(o, tag) : Promise.resolve(null); }
  /* a dictionary shard merged with the overlay's forms: {w: form -> stem, s: stem -> [df, postings shard]} */
  function dshard(key, tag) {
    return Promise.all([load("d/" + fileKey(key), tag), odict(key, tag)]).then(r => {
      if (!r[1]) return r[0];
      var w = Object.assign({}, r[1].w, r[0] ? r[0].w : {});
      return { w: w, s: r[0] ? r[0].s : {} };
    });
  }

  /* ------------------------------------------------------------ query parsing */
  function words(text, keepLast) {
    var out = [], m, all = [];
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text))) all.push(m[0].toLowerCase());
    all.forEach((w, i) => {
      // a prefix ("r*", "the*") is not a whole word: stop list and minimum size do not apply
      if ((keepLast && i === all.length - 1) || (w.length >= meta.min && !stops.has(w))) out.push(w);
    });
    return out;
  }
  /* '"red flags" tramadol radic*' -> [{phrase:[...]} , {word, prefix}] ; typing=true makes the last bare word a prefix */
  function parse(q, typing) {
    var clauses = [], re = /"([^"]*)"?|(\S+)/g, m, last = null;
    while ((m = re.exec(q))) {
      if (m[1] !== undefined) {
        var ws = words(m[1]);
        if (ws.length === 1) clauses.push({ word: ws[0], prefix: false });
        else if (ws.length) clauses.push({ phrase: ws });
        last = null;
      } else {
        var star = /\*$/.test(m[2]);
        var parts = words(m[2].replace(/\*+$/, ""), star);
        parts.forEach((w, i) => {
          var c = { word: w, prefix: star && i === parts.length - 1 };
          clauses.push(c); last = c;
        });
        if (!parts.length) last = null;
      }
    }
    if (typing && last && !/\s$/.test(q)) last.prefix = true;
    return clauses;
  }

  var SUFFIXES = ["s", "es", "ed", "ing", "ly", "ions", "ion", "ies"];
  /* resolve a clause's words to stems: [{stem, df, shard}] alternatives (OR) */
  function resolve(word, prefix) {
    if (prefix) {
      // after a key list was read, the shards are one more round ("1b")
      var ov = odict(word); // new words' keys are in no key list: their forms are here
      return shardsForPrefix(word).then(ks => Promise.all(ks.map(k => load("d/" + fileKey(k), "1b")).concat([ov]))).then(shards => {
        var found = new Map();
        shards.forEach(sh => {
          if (!sh) return;
          for (var f in sh.w) if (f.startsWith(word)) { var st = sh.w[f]; if (!found.has(st)) found.set(st, (sh.s || {})[st] || [0]); } // the overlay's (no s) comes last
        });
        return Array.from(found, kv => { return { stem: kv[0], df: kv[1][0], shard: kv[1][1] }; });
      });
    }
    return dshard(shardKey(word)).then(sh => {
      if (!sh) return [];
      var st = sh.w[word];
      if (!st) { // a form absent from the letters: try plain suffix variants present in them
        for (var i = 0; i < SUFFIXES.length && !st; i++) {
          var sfx = SUFFIXES[i];
          if (word.endsWith(sfx) && sh.w[word.slice(0, -sfx.length)]) st = sh.w[word.slice(0, -sfx.length)];
        }
      }
      var e = sh.s[st] || [0];
      return st ? [{ stem: st, df: e[0], shard: e[1] }] : [];
    });
  }

  function fnv1a(s) {
    var h = 0x811c9dc5, bytes = new TextEncoder().encode(s);
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  function idf(df) { return Math.log(1 + (meta.live - df + 0.5) / (df + 0.5)); }
  function weight(df) { return idf(df) * (meta.k1 + 1) / 255; }

  /* ------------------------------------------------------------ search */
  /* upto: the fragments of the first upto results are fetched as soon as they are known */
  function run(q, filters, typing, wantFacets, upto) {
    return ready().then(() => {
      var clauses = parse(q, typing);
      var fnames = Object.keys(filters || {}).filter(f => filters[f] && meta.facets.indexOf(f) >= 0);
      phase = 1;
      // one plain word without filters: a frequent word's postings carry its facet counts
      // (needing only the small v/labels file); otherwise counts intersect the facet files
      var single = wantFacets && meta.fcmin && !fnames.length && clauses.length === 1 && clauses[0].word && !clauses[0].prefix;
      var facetLoads = (wantFacets ? (single ? ["labels"] : meta.facets) : fnames).map(f => load("v/" + f));
      if (meta.o) facetLoads.push(load("o/x"), load("overlay").then(mk => {
        OV = mk({ cache: cache, meta: meta, docset: docset, b64: b64, shardKey: shardKey, fileKey: fileKey, fnv1a: fnv1a });
      }));
      // round 1: dictionary shards (facet files in parallel)
      var res = Promise.all(clauses.map(c => {
        if (c.word) return resolve(c.word, c.prefix).then(alts => { c.alts = alts; });
        return Promise.all(c.phrase.map(w => resolve(w, false))).then(r => {
          c.parts = r.map(alts => alts[0] || null);
          // word forms of the phrase's stems in the loaded dictionary shards, for highlighting
          c.forms = [];
          c.phrase.forEach(w => {
            [cache["d/" + fileKey(shardKey(w))], cache[odName(w)]].forEach(sh => {
              if (sh) for (var f in sh.w) c.forms.push([f, sh.w[f]]);
            });
          });
        });
      }));
      return Promise.all([res, Promise.all(facetLoads)]).then(() => {
        // round 2: postings (stems and stem pairs)
        mark("dict");
        phase = 2;
        var need = new Set(), useFc = false;
        if (single) {
          var alts = clauses[0].alts;
          useFc = alts.length === 1 && alts[0].df >= meta.fcmin;
          if (!useFc && alts.length) meta.facets.forEach(f => { need.add("v/" + f); });
        }
        clauses.forEach(c => {
          if (c.alts) c.alts.forEach(a => { if (a.shard !== undefined) need.add("p/" + a.shard); if (OV) OV.need(a.stem, need); });
          if (c.parts) c.parts.forEach((a, i) => {
            if (i && a && c.parts[i - 1]) { var pk = c.parts[i - 1].stem + " " + a.stem; need.add("b/" + (fnv1a(pk) % meta.nb)); if (OV) OV.need(0, need, pk); }
          });
        });
        return Promise.all(Array.from(need, load)).then(() => {
          mark("post");
          var r = evaluate(clauses, fnames, filters);
          mark("eval");
          // round 3 starts now, before the facet counts are made
          phase = 3;
          r.top(upto || PAGE).forEach(fragment);
          mark("top");
          if (wantFacets) r.facets = useFc ? precounted(clauses[0].alts[0]) : counts(r, filters);
          return r;
        });
      });
    });
  }

  /* the overlay (letters changed since the build, o/ in docs/search.md): its helpers are in
     search/overlay.js, loaded with o/x only when meta.o is set (start-up stays small) */
  var OV = null;
  /* facet counts of one frequent stem's letters, from its postings entry (order: v/labels) */
  function precounted(a0) {
    var entry = cache["p/" + a0.shard][a0.stem], stem = a0.stem, labels = cache["v/labels"], counts = varints(entry.fc), k = 0, out = {};
    meta.facets.forEach(f => {
      var rows = labels[f].map(r => [r[0], r[1], r[2], k < counts.length ? counts[k++] : 0]);
      if (OV) OV.fc(rows, f, entry, stem, labels);
      out[f] = rows
        .filter(r => r[3] > 0)
        .sort((a, b) => b[2] - a[2] || (a[0] < b[0] ? -1 : 1))
        .map(r => [r[0], r[1], r[3]]);
    });
    return out;
  }

  /* one posting list (a word or a two-word phrase) keeping its best impacts apart (e.t), no filter,
     no overlay: the first pages are those listed docs by (impact desc, doc asc), as the full
     evaluation ranks them, without decoding the list's docs; the full evaluation (later pages,
     facet counts from doc sets) runs only when asked for */
  function single(clauses, fnames) {
    var c = clauses[0] || {}, a = c.alts, p = c.parts, k = p && p.length === 2 && p[0] && p[1] && p[0].stem + " " + p[1].stem;
    var e = OV || fnames.length || clauses.length !== 1 ? null : a && a.length === 1 ? (cache["p/" + a[0].shard] || {})[a[0].stem] : k && (cache["b/" + (fnv1a(k) % meta.nb)] || {})[k];
    if (!e || !e.t) return null;
    var docs = docset(e.t), imp = b64(e.i), forms = new Set(e.x);
    if (p) p.forEach(s => { c.forms.forEach(f => { if (f[1] === s.stem) forms.add(f[0]); }); });
    return { n: e.n, forms: forms, ranked: Array.from(docs.keys()).sort((x, y) => imp[y] - imp[x] || x - y).map(i => docs[i]) };
  }
  /* A clause of an AND as a source of letters: ds (ascending docs) or by (a bitmap); imp (ds's
     impacts) or top (the best impacts kept apart, {ds, imp}: the others score f - 0.5); w weighs
     the impacts (0: a filter); n says about how many.  Only the smallest list is decoded and
     the others are looked up at its letters (a bitmap bit by bit); the bitmaps are ANDed byte
     by byte when no list is smaller.  Plain loops: a cold query runs them in V8's interpreter. */
  function docsOf(e) { return e.D || (e.D = docset(e.d)); }
  /* a postings entry ({d, n, i: impacts, x: word forms, t: the docs of the best impacts, f: their
     floor}) or a facet value's doc set entry ({d, n}) as a source */
  function setSrc(e, w) {
    var imp = e.i && b64(e.i), s = { w: w, x: e.x || [], f: e.f - 0.5, n: e.n };
    if (e.d[0] !== "v" && (e.t || !imp)) s.by = bitmap(e.d); else s.n = (s.ds = docsOf(e)).length;
    if (e.t) s.top = { ds: docset(e.t), imp: imp }; else s.imp = imp;
    return s;
  }
  /* a postings entry (a stem's or a stem pair's) with the overlay's letters, or null when empty */
  function scored(e, kind, key, stem, df) {
    if (!OV) return e && e.n ? setSrc(e, weight(df === undefined ? e.n : df)) : null;
    var p = OV.merged(e, kind, key, stem);
    return p.docs.length ? { n: p.docs.length, ds: p.docs, imp: p.imp, w: weight(p.n), x: p.forms } : null;
  }
  /* a facet value's doc set entry */
  function entry(row) { return row.e || (row.e = { d: row[2], n: meta.n }); }
  /* the docs (ascending) that s has */
  function keep(s, docs) {
    var out = [], k = 0, ds = s.ds, by = s.by;
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i];
      if (by) { if (by[d >> 3] >> (d & 7) & 1) out.push(d); continue; }
      while (k < ds.length && ds[k] < d) k++;
      if (ds[k] === d) out.push(d);
    }
    return out;
  }
  /* w x the impact of each of docs (ascending, all of them s's) */
  function scores(s, docs) {
    var t = s.top || s, ds = t.ds, f = s.top ? s.f : 0, out = new Float64Array(docs.length), k = 0;
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i];
      while (k < ds.length && ds[k] < d) k++;
      out[i] = s.w * (ds[k] === d ? t.imp[k] : f);
    }
    return out;
  }
  function evaluate(clauses, fnames, filters, full) {
    var one = !full && single(clauses, fnames), whole = null;
    if (one) {
      var all = () => whole || (whole = evaluate(clauses, fnames, filters, true));
      return { total: one.n, forms: one.forms, facets: null, all: all,
               top: k => k > one.ranked.length ? all().top(k) : one.ranked.slice(0, k) };
    }
    var srcs = [], none = false, forms = new Set();
    var use = s => { if (s) { srcs.push(s); (s.x || []).forEach(f => { forms.add(f); }); } else none = true; };
    clauses.forEach(c => {
      if (c.alts) {
        var ps = c.alts.map(a => scored((cache["p/" + a.shard] || {})[a.stem], "p", a.stem, a.stem, a.df)).filter(Boolean);
        if (ps.length < 2) return use(ps[0]);
        // several stems (a prefix): a letter scores its best stem
        var best = new Float64Array(meta.n).fill(-1), ud = [];
        ps.forEach(s => {
          var ds = s.ds || setBits(s.by), v = scores(s, ds);
          for (var i = 0; i < ds.length; i++) {
            var d = ds[i];
            if (best[d] < 0) ud.push(d);
            if (v[i] > best[d]) best[d] = v[i];
          }
          s.x.forEach(f => { forms.add(f); });
        });
        ud = Int32Array.from(ud).sort();
        use({ n: ud.length, ds: ud, imp: Float64Array.from(ud, d => best[d]), w: 1 });
      } else {
        // a phrase: letters holding every adjacent pair of its terms (Whoosh drops stop words
        // and renumbers positions, so pairs are of indexed terms), ranked by the pairs' impacts
        if (c.parts.some(a => !a)) return use(null);
        c.parts.forEach((a, i) => {
          c.forms.forEach(f => { if (f[1] === a.stem) forms.add(f[0]); });
          if (!i) return;
          var key = c.parts[i - 1].stem + " " + a.stem;
          use(scored((cache["b/" + (fnv1a(key) % meta.nb)] || {})[key], "b", key, c.parts[i - 1].stem));
        });
      }
    });
    fnames.forEach(f => {
      var row = (cache["v/" + f] || []).find(r => r[0] === filters[f]);
      // overlay docs number after the main ones
      var ds = OV && Array.from(row ? docsOf(entry(row)) : []).concat(OV.docs(f, filters[f]));
      use(OV ? { n: ds.length, ds: ds, w: 0 } : row && setSrc(entry(row), 0));
    });
    if (!srcs.length && !none) return { total: 0, top: () => [], forms: forms, facets: null, docs: null };
    // the smallest listed clause's letters, or the set bits of every bitmap ANDed when no list is
    // smaller than a bitmap; kept where every other clause has them (smallest first)
    var fewest = (a, b) => a.n - b.n, lists = srcs.filter(s => !s.by).sort(fewest), maps = srcs.filter(s => s.by).sort(fewest), docs = [];
    if (!none) {
      if (lists.length && (!maps.length || lists[0].n <= maps[0].n)) docs = lists.shift().ds;
      else {
        var and = maps.shift().by.slice();
        maps.forEach(s => { for (var i = 0; i < and.length; i++) and[i] &= s.by[i]; });
        docs = setBits(and); maps = [];
      }
      lists.concat(maps).forEach(s => { docs = keep(s, docs); });
      if (OV) docs = OV.retire(docs);
    }
    // scores summed in clause order (as a letter-by-letter sum would be)
    var total = docs.length, score = new Float64Array(total);
    srcs.forEach(s => {
      if (!s.w) return;
      var c = scores(s, docs);
      for (var i = 0; i < total; i++) score[i] += c[i];
    });
    var memo = [];
    /* the first k docs by (score desc, doc asc): one pass keeping the k best in order (docs
       come in ascending order, so a doc only displaces a strictly lower score); no sort */
    var top = k => {
      if (memo.length < Math.min(k, total)) {
        var bd = new Int32Array(k), bs = new Float64Array(k), m = 0;
        for (var i = 0; i < total; i++) {
          var s = score[i];
          if (m === k && s <= bs[k - 1]) continue;
          var j = m < k ? m++ : k - 1;
          while (j > 0 && bs[j - 1] < s) { bs[j] = bs[j - 1]; bd[j] = bd[j - 1]; j--; }
          bs[j] = s; bd[j] = docs[i];
        }
        memo = Array.from(bd.subarray(0, m));
      }
      return memo.slice(0, k);
    };
    return { total: total, top: top, forms: forms, facets: null, docs: docs };
  }
  /* every facet value's count among the hits */
  function counts(res, filters) {
    if (res.all) res = res.all();
    if (!res.docs) return null;
    var out = {}, hits = new Uint8Array(meta.n), on = d => hits[d] === 1;
    res.docs.forEach(d => { hits[d] = 1; });
    meta.facets.forEach(f => {
      var rowsF = (cache["v/" + f] || []).map(r => {
        var ds = docsOf(entry(r)), k = 0, i;
        for (i = 0; i < ds.length; i++) if (hits[ds[i]]) k++;
        if (OV) k += OV.docs(f, r[0]).filter(on).length;
        return [r[0], r[1], k];
      });
      if (OV) OV.newValues(rowsF, f, hits, 1);
      out[f] = rowsF.filter(r => r[2] > 0 || filters[f] === r[0]);
    });
    return out;
  }

  /* ------------------------------------------------------------ display data */
  var frags = {};
  function fragment(doc) { // one letter's display data with its text, fetched once
    return frags[doc] || (frags[doc] = load("f/" + Math.floor(doc / meta.fd) + "/" + doc).then(fr => {
      if (!fr) return null;
      // a Response's body stream: about half the cost of a Blob's stream in Chromium
      return new Response(new Response(b64(fr.z)).body.pipeThrough(new DecompressionStream("gzip"))).text().then(t => { fr.text = t; return fr; });
    }));
  }
  function esc(s) { return s.replace(/[&<>"']/g, c => { return "&#" + c.charCodeAt(0) + ";"; }); }
  /* a snippet: about `width` words from just before the letter's densest run of query words,
     marked.  One regex finds the query's words as whole tokens (a prefix with 200 forms or more
     scans every token instead); only the snippet's own words are split out (splitting a whole
     letter cost ~1.5 ms cold). */
  function snippet(fr, forms, width) {
    width = width || 30;
    var text = fr.text, hits = [], best = 0, first = 0, i, j, k = 0, words = [], m, C = "[\\p{L}\\p{N}_*]";
    var alts = Array.from(forms, f => { return f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|");
    var re = alts && forms.size < 200 ? new RegExp("(?<!" + C + "\\.?)(?:" + alts + ")(?!\\.?" + C + ")", "giu") : TOKEN;
    re.lastIndex = 0;
    while ((m = re.exec(text))) if (re !== TOKEN || forms.has(m[0].toLowerCase())) hits.push(m.index);
    for (i = j = 0; i < hits.length; i++) {
      while (j < hits.length && hits[j] < hits[i] + width * 7) j++;
      if (j - i > best) { best = j - i; first = hits[i]; }
    }
    TOKEN.lastIndex = best ? Math.max(0, text.lastIndexOf(" ", first - 40)) : 0;
    while (k++ <= width && (m = TOKEN.exec(text))) words.push(m);
    TOKEN.lastIndex = 0;
    var more = words.length > width, out = words.length && words[0].index > text.search(TOKEN) ? "… " : "", pos;
    if (more) words.pop();
    words.forEach(w => {
      out += esc(text.slice(pos === undefined ? w.index : pos, w.index).replace(/\s+/g, " "));
      out += forms.has(w[0].toLowerCase()) ? "<mark>" + esc(w[0]) + "</mark>" : esc(w[0]);
      pos = w.index + w[0].length;
    });
    return out + (more ? " …" : esc(text.slice(pos).trimEnd().replace(/\s+/g, " ")));
  }
  function display(res, start, count) {
    var page = res.top(start + count).slice(start);
    phase = 3;
    return Promise.all(page.map(fragment)).then(frs => {
      mark("frag");
      var rows = frs.map((fr, i) => {
        if (!fr) return null;
        return { doc: page[i], url: fr.u, title: fr.t, items: fr.it, snippet: snippet(fr, res.forms) };
      }).filter(Boolean);
      mark("snip");
      return rows;
    });
  }

  /* ------------------------------------------------------------ benchmark hook */
  window.benchRun = o => {
    var t0 = performance.now(), marks = T = { t0: t0 };
    fetchedIn = new Set();
    return run(o.term || "", o.filters || {}, false, !!o.facets, o.n || PAGE).then(res => {
      return display(res, 0, o.n || PAGE).then(rows => {
        T = null;
        return { results: res.total, total_ms: performance.now() - t0, urls: rows.map(r => r.url),
                 excerpt0: rows.length ? rows[0].snippet : "", filters: res.facets, rounds: fetchedIn.size, phases: marks };
      });
    });
  };
  window.sgsSearch = { ready: ready, snippet: snippet }; // for tests
  ready().catch(() => { /* reported by the first search */ }); // meta.js is part of start-up, not of a query

  /* ------------------------------------------------------------ page UI */
  var byId = id => document.getElementById(id);
  var ui = byId("sgs");
  if (!ui) return;
  var root = ui.getAttribute("data-root") || "";
  var form = byId("sgs-form"), input = byId("sgs-q");
  var status = byId("sgs-status"), list = byId("sgs-results");
  var facetsEl = byId("sgs-facets"), pager = byId("sgs-pager");
  var LABELS = { decision: "Decision", procedure: "Procedure", category: "Category", body_region: "Body region",
                 guideline: "Guideline", specialty: "Reviewer specialty", year: "Year of injury" };
  var state = { q: "", f: {}, page: 1 };
  var seq = 0, typingTimer = null;
  ui.hidden = false;
  var nojs = byId("sgs-nojs");
  if (nojs) nojs.hidden = true;

  function fromURL() {
    var p = new URLSearchParams(location.search), f = {};
    Object.keys(LABELS).forEach(k => { if (p.get(k)) f[k] = p.get(k); });
    return { q: p.get("q") || "", f: f, page: Math.max(1, parseInt(p.get("page") || "1", 10) || 1) };
  }
  function toURL(s) {
    var p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    Object.keys(s.f).sort().forEach(k => { if (s.f[k]) p.set(k, s.f[k]); });
    if (s.page > 1) p.set("page", String(s.page));
    var qs = p.toString();
    return location.pathname + (qs ? "?" + qs : "");
  }
  function commit(push) {
    var url = toURL(state);
    try {
      if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](state, "", url);
    } catch (e) { /* some file:// setups refuse history changes; the search still works */ }
  }
  function show(typing) {
    var my = ++seq, s = state;
    if (!s.q.trim() && !Object.keys(s.f).length) {
      list.innerHTML = ""; facetsEl.innerHTML = ""; pager.innerHTML = "";
      status.textContent = "Type words to search the letters. Use quotes for a phrase, * for a prefix.";
      return Promise.resolve();
    }
    status.textContent = "Searching…";
    return run(s.q, s.f, typing, true, s.page * PAGE).then(res => {
      if (my !== seq) return;
      var pages = Math.max(1, Math.ceil(res.total / PAGE));
      if (s.page > pages) s.page = pages;
      return display(res, (s.page - 1) * PAGE, PAGE).then(rows => {
        if (my !== seq) return;
        render(res, rows, pages);
      });
    }).catch(err => {
      if (my === seq) status.textContent = "Search is unavailable: " + err.message;
    });
  }
  function render(res, rows, pages) {
    status.textContent = res.total === 0 ? "No letters match." :
      res.total + (res.total === 1 ? " letter matches" : " letters match") + (pages > 1 ? "; page " + state.page + " of " + pages : "") + ".";
    list.innerHTML = rows.map(r => {
      var items = (r.items || []).map(it => {
        return "<li>" + esc(it[0]) + (it[1] ? ' <span class="sgs-dec sgs-' + esc(it[1]) + '">' + esc(it[1]) + "</span>" : "") + "</li>";
      }).join("");
      return '<li class="sgs-hit"><h3><a href="' + esc(root + r.url) + '">' + esc(r.title) + "</a></h3>" +
        (items ? '<ul class="sgs-items">' + items + "</ul>" : "") + '<p class="sgs-snippet">' + r.snippet + "</p></li>";
    }).join("");
    facetsEl.innerHTML = Object.keys(res.facets || {}).map(f => {
      var rowsF = res.facets[f];
      if (!rowsF.length) return "";
      return '<fieldset class="sgs-facet"><legend>' + LABELS[f] + "</legend><ul>" + rowsF.slice(0, 12).map(r => {
        var on = state.f[f] === r[0];
        return '<li><button type="button" data-facet="' + f + '" data-value="' + esc(r[0]) + '" aria-pressed="' + on + '">' +
          esc(r[1]) + ' <span class="sgs-count">' + r[2] + "</span></button></li>";
      }).join("") + "</ul></fieldset>";
    }).join("");
    var nav = "";
    var btn = (to, label) => '<button type="button" data-page="' + to + '"' + (to < 1 || to > pages ? " disabled" : "") + ">" + label + "</button>";
    if (pages > 1) nav = btn(state.page - 1, "Previous") + " <span>Page " + state.page + " of " + pages + "</span> " + btn(state.page + 1, "Next");
    pager.innerHTML = nav;
  }
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    state = { q: input.value, f: state.f, page: 1 };
    commit(true); show(false);
  });
  input.addEventListener("input", () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      state = { q: input.value, f: state.f, page: 1 };
      commit(false); show(true);
    }, 120);
  });
  facetsEl.addEventListener("click", ev => {
    var b = ev.target.closest("button[data-facet]");
    if (!b) return;
    var f = Object.assign({}, state.f), k = b.getAttribute("data-facet"), v = b.getAttribute("data-value");
    if (f[k] === v) delete f[k]; else f[k] = v;
    state = { q: input.value, f: f, page: 1 };
    commit(true);
    show(false).then(() => {
      var again = facetsEl.querySelector('button[data-facet="' + k + '"][data-value="' + CSS.escape(v) + '"]');
      if (again) again.focus();
    });
  });
  pager.addEventListener("click", ev => {
    var b = ev.target.closest("button[data-page]");
    if (!b || b.disabled) return;
    state = { q: state.q, f: state.f, page: parseInt(b.getAttribute("data-page"), 10) };
    commit(true);
    show(false).then(() => { status.focus(); });
  });
  window.addEventListener("popstate", () => {
    state = fromURL(); input.value = state.q; show(false);
  });
  state = fromURL();
  input.value = state.q;
  var header = byId("site-q");
  if (header) header.value = state.q;
  show(false);
})();
