/* sitegen search client, overlay helpers: letters changed since the last full build (o/ in
   docs/search.md).  Loaded by search.js (as search/overlay.js) only when meta.o is set. */
sgsReg("overlay", function (api) {
  "use strict";
  var cache = api.cache;
  function ox() { return cache["o/x"] || { del: {}, add: {}, labels: {}, pk: [] }; }
  function overKey(stem) { return api.fileKey(api.shardKey(stem)); }
  /* [[doc, impact], ...] of a stem ("p") or a stem pair ("b") in the overlay's letters */
  function rows(kind, key, stem) {
    var op = cache["o/p/" + overKey(stem)];
    return (op && op[kind][key]) || [];
  }
  function has(doc, f, v) { var fs = ox().add[doc]; return !!(fs && fs[f] && fs[f].indexOf(v) >= 0); }
  function docs(f, v) { return Object.keys(ox().add).filter(function (d) { return has(d, f, v); }).map(Number); }
  return {
    /* round 2: the o/p file of a stem, when the overlay has one */
    need: function (stem, need) { if (ox().pk.indexOf(api.shardKey(stem)) >= 0) need.add("o/p/" + overKey(stem)); },
    /* main postings (or null) + the overlay's rows; n counts the live letters (idf) */
    merged: function (main, kind, key, stem) {
      var x = ox(), r = rows(kind, key, stem), m = main ? main.docs.length : 0, live = 0, i;
      var ds = new Int32Array(m + r.length), imp = new Float32Array(m + r.length);
      if (main) { ds.set(main.docs); imp.set(main.imp); }
      for (i = 0; i < r.length; i++) { ds[m + i] = r[i][0]; imp[m + i] = r[i][1]; } // overlay docs number after the main ones
      for (i = 0; i < ds.length; i++) if (!(ds[i] in x.del)) live++;
      return { docs: ds, imp: imp, n: live, forms: main ? main.forms : [] };
    },
    docs: docs,
    /* retired doc numbers are no hits */
    retire: function (hits) { for (var d in ox().del) hits[d] = 0; },
    /* precomputed counts of a frequent stem, minus retired letters in its main postings, plus
       the overlay's letters holding it; rows: [slug, label, letters, count] */
    fc: function (rowsF, f, entry, stem, labels) {
      var x = ox(), delta = {}, inMain = new Set(api.postings(entry).docs);
      var bump = function (fs, by) { (fs[f] || []).forEach(function (v) { delta[v] = (delta[v] || 0) + by; }); };
      for (var d in x.del) if (inMain.has(+d)) bump(x.del[d], -1);
      rows("p", stem, stem).forEach(function (r) { if (x.add[r[0]]) bump(x.add[r[0]], 1); });
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
