// Network view inside one case: data comes from a json_script block (CSP-safe).
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("case-network");
  var data = document.getElementById("case-graph");
  if (!holder || !data || typeof window.cytoscape !== "function") { return; }
  var graph = JSON.parse(data.textContent);
  var colours = { person: "#1f5fa8", enterprise: "#8a4b00", establishment: "#2e7d32", vehicle: "#6a1b9a" };
  var elements = graph.nodes.map(function (n) {
    return { data: { id: n.id, label: n.label, colour: colours[n.kind] || "#555" } };
  }).concat(graph.edges.map(function (e) {
    return { data: { id: e.id, source: e.source, target: e.target, label: e.label } };
  }));
  window.cytoscape({
    container: holder,
    elements: elements,
    layout: { name: graph.nodes.length > 12 ? "cose" : "circle", padding: 20 },
    style: [
      { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", "font-size": 11, "text-wrap": "wrap", "text-max-width": 120 } },
      { selector: "edge", style: { width: 2, "line-color": "#999", "target-arrow-shape": "triangle", "target-arrow-color": "#999", "curve-style": "bezier", label: "data(label)", "font-size": 9 } }
    ]
  });
});
