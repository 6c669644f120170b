// Draws every <canvas data-chart="id-of-a-json-script"> with the vendored Chart.js: the page carries its
// data as JSON (server-rendered), so the figures are also readable without JavaScript in the tables below.
(function () {
  function draw() {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      var spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
      canvas.dataset.drawn = "1";
      new window.Chart(canvas, {
        type: spec.type || "line",
        data: { labels: spec.labels, datasets: spec.datasets },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
                   plugins: { legend: { position: "bottom" } },
                   scales: spec.type === "doughnut" ? {} : { y: { beginAtZero: true,
                     ticks: { precision: 0, callback: function (v) { return Number(v).toLocaleString("vi-VN"); } } } } }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSwap", draw);
})();
