/* sitegen search client, overlay helpers: letters changed since the last full build (o/ in
   docs/search.md).  Loaded by search.js (as search/overlay.js) only when meta.o is set. */
sgsReg("overlay", function (api) {
  "use strict";
  var cache = api.cache;
  /* a main postings entry -> {docs, imp, forms}: imp[i] is docs[i]'s impact; a letter outside the
     best impacts kept apart (e.t) scores just under their floor (e.f) */
  function postings(e) {
    if (e.P) return e.P;
    var docs = api.docset(e.d), imp = api.b64(e.i);
    if (e.t) {
      var top = api.docset(e.t), all = new Float32Array(docs.length).fill(e.f - 0.5), j = 0;
      for (var i = 0; i < top.length; i++) { while (docs[j] !== top[i]) j++; all[j] = imp[i]; }
      imp = all;
    }
    return (e.P = { docs: docs, imp: imp, forms: e.x || [] });
  }
  /* o/x ships each letter's facet values as indexes into fv ([facet, value] pairs); expanded once */
  function expand(fv, m) {
    var out = {};
    Object.keys(m).forEach(function (d) {
      var fs = out[d] = {};
      m[d].forEach(function (i) { (fs[fv[i][0]] = fs[fv[i][0]] || []).push(fv[i][1]); });
    });
    return out;
  }
  function ox() {
    var x = cache["o/x"];
    if (!x) return { del: {}, add: {}, labels: {}, op: 1, ph: [], ob: 1, bh: [] };
    if (!x.e) x.e = { del: expand(x.fv, x.del), add: expand(x.fv, x.add), labels: x.labels, op: x.op, ph: x.ph, ob: x.ob, bh: x.bh };
    return x.e;
  }
  /* overlay postings of a stem ("p") or a stem pair ("b") are in FNV-1a hash shards o/p/<h>, o/b/<h> */
  function file(kind, key) { var x = ox(), h = api.fnv1a(key) % x["o" + kind]; return x[kind + "h"].indexOf(h) >= 0 ? "o/" + kind + "/" + h : null; }
  /* [[doc, impact], ...] of a stem or a stem pair in the overlay's letters */
  function rows(kind, key) {
    var f = file(kind, key), op = f && cache[f];
    return (op && op[kind][key]) || [];
  }
  function has(doc, f, v) { var fs = ox().add[doc]; return !!(fs && fs[f] && fs[f].indexOf(v) >= 0); }
  function docs(f, v) { return Object.keys(ox().add).filter(function (d) { return has(d, f, v); }).map(Number); }
  return {
    /* round 2: the overlay file of a stem or (with pair) a stem pair, when the overlay has one */
    need: function (stem, need, pair) { var f = pair ? file("b", pair) : file("p", stem); if (f) need.add(f); },
    /* a main postings entry (or none) + the overlay's rows; n counts the live letters (idf) */
    merged: function (e, kind, key, stem) {
      var x = ox(), r = rows(kind, key), main = e ? postings(e) : null, m = main ? main.docs.length : 0, live = 0, i;
      var ds = new Int32Array(m + r.length), imp = new Float32Array(m + r.length);
      if (main) { ds.set(main.docs); imp.set(main.imp); }
      for (i = 0; i < r.length; i++) { ds[m + i] = r[i][0]; imp[m + i] = r[i][1]; } // overlay docs number after the main ones
      for (i = 0; i < ds.length; i++) if (!(ds[i] in x.del)) live++;
      return { docs: ds, imp: imp, n: live, forms: main ? main.forms : [] };
    },
    docs: docs,
    /* the doc numbers left when the retired ones are taken out */
    retire: function (docs) { var del = ox().del; return docs.filter(function (d) { return !(d in del); }); },
    /* precomputed counts of a frequent stem, minus retired letters in its main postings, plus
       the overlay's letters holding it; rows: [slug, label, letters, count] */
    fc: function (rowsF, f, entry, stem, labels) {
      var x = ox(), delta = {}, inMain = new Set(postings(entry).docs);
      var bump = function (fs, by) { (fs[f] || []).forEach(function (v) { delta[v] = (delta[v] || 0) + by; }); };
      for (var d in x.del) if (inMain.has(+d)) bump(x.del[d], -1);
      rows("p", stem).forEach(function (r) { if (x.add[r[0]]) bump(x.add[r[0]], 1); });
      rowsF.forEach(function (r) { r[3] += delta[r[0]] || 0; delete delta[r[0]]; });
      Object.keys(delta).forEach(function (v) { rowsF.push([v, (x.labels[f] || {})[v] || v, 0, delta[v]]); });
    },
    /* facet values only overlay letters have; rows: [slug, label, count] */
    newValues: function (rowsF, f, hits, need) {
      var labels = ox().labels[f] || {};
      Object.keys(labels).forEach(function (v) {
        if (rowsF.some(function (r) { return r[0] === v; })) return;
        var k = 0;
        docs(f, v).forEach(function (d) { if (hits[d] === need) k++; });
        rowsF.push([v, labels[v], k]);
      });
    }
  };
});
