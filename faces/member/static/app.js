// The card page: swap in the next code just before the current one ends, and count down meanwhile.
(function () {
  var card = document.getElementById("card");
  if (!card) return;
  var left = parseInt(card.getAttribute("data-refresh-in"), 10) || 30;
  var counter = document.getElementById("card-seconds");
  function tick() {
    left -= 1;
    if (counter) counter.textContent = String(Math.max(left, 0));
    if (left <= 0) refresh();
  }
  function refresh() {
    left = 60;
    fetch(card.getAttribute("data-src"), {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        document.getElementById("card-qr").innerHTML = data.qr;
        document.getElementById("card-barcode").innerHTML = data.barcode;
        document.getElementById("card-code").textContent = data.code;
        card.setAttribute("data-code", data.code);
        left = data.refresh_in;
      })
      .catch(function () { left = 5; });
  }
  setInterval(tick, 1000);
})();
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/app/sw.js", {scope: "/app/"}).catch(function () {});
}
