// The KPI page's charts (Chart.js, vendored in static/vendor/chartjs/). No inline script: the
// data comes from the json_script element #kpi-data, inside <template id="kpi-data-holder">
// (htmx drops script elements from swapped content, but not the inert content of a
// template); after htmx swaps #kpi-view (a new group or period) the charts are drawn again. Colours come from CSS variables,
// so the charts follow light and dark mode. The selector's values follow the URL (syncControls).
(function () {
  "use strict";

  var charts = [];

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function withAlpha(color, alpha) {
    var hex = color.replace("#", "");
    if (hex.length === 3) hex = hex.replace(/./g, "$&$&");
    if (!/^[0-9a-f]{6}$/i.test(hex)) return color;
    var n = parseInt(hex, 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function formatValue(value, unit) {
    if (value === null || value === undefined) return "—";
    var text = Number.isInteger(value) ? String(value) : value.toFixed(2);
    return unit === "days" ? text + " days" : text;
  }

  function destroyCharts() {
    charts.forEach(function (chart) {
      var canvas = chart.canvas;
      chart.destroy();
      // Chart.js sizes the canvas through its style; a copy of that markup (htmx's history
      // snapshot, or its settling of same-id elements) would be an inline style attribute,
      // which the Content Security Policy (style-src 'self') refuses.
      if (canvas) canvas.removeAttribute("style");
    });
    charts = [];
  }

  function datasetsFor(spec, labels, palette, goalColor) {
    var stacked = spec.kind === "stacked";
    var datasets = spec.series.map(function (series, index) {
      var color = palette[index % palette.length];
      var bar = spec.kind === "bar" || stacked || (spec.kind === "combo" && index === 0);
      return {
        type: bar ? "bar" : "line",
        label: series.label,
        data: series.data,
        unit: series.unit,
        yAxisID: series.axis,
        order: bar ? 2 : 1,
        backgroundColor: bar ? withAlpha(color, stacked ? 0.85 : 0.7) : color,
        hoverBackgroundColor: color,
        borderColor: color,
        borderWidth: bar ? 0 : 2,
        borderRadius: bar && !stacked ? 3 : 0,
        pointRadius: bar ? 0 : 2.5,
        pointHoverRadius: 5,
        tension: 0.3,
        spanGaps: true,
        maxBarThickness: 28,
        stack: stacked ? "buildup" : undefined,
      };
    });
    if (spec.goal !== null && spec.goal !== undefined) {
      var daysAxis = spec.series.some(function (s) { return s.axis === "y1"; }) ? "y1" : "y";
      datasets.push({
        type: "line",
        label: "Goal: " + spec.goal + " days",
        data: labels.map(function () { return spec.goal; }),
        unit: "days",
        yAxisID: daysAxis,
        order: 0,
        borderColor: goalColor,
        borderDash: [6, 4],
        borderWidth: 1.5,
        pointRadius: 0,
        pointHoverRadius: 0,
        isGoal: true,
      });
    }
    return datasets;
  }

  function dataSource() {
    var holder = document.getElementById("kpi-data-holder");
    if (holder && holder.content) return holder.content.getElementById("kpi-data");
    return document.getElementById("kpi-data");
  }

  function draw() {
    destroyCharts();
    var source = dataSource();
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var Chart = window.Chart;
    var palette = ["--kpi-1", "--kpi-2", "--kpi-3", "--kpi-4"].map(function (name) {
      return cssVar(name, "#5653e0");
    });
    var muted = cssVar("--muted", "#5d6673");
    var grid = cssVar("--kpi-grid", "#e8ebef");
    var goalColor = cssVar("--kpi-goal", "#c22a2a");
    Chart.defaults.color = muted;
    Chart.defaults.borderColor = grid;
    Chart.defaults.font.family = cssVar("--font", "system-ui, sans-serif");

    data.charts.forEach(function (spec) {
      var canvas = document.querySelector('canvas[data-chart="' + spec.id + '"]');
      if (!canvas) return;
      var stacked = spec.kind === "stacked";
      var datasets = datasetsFor(spec, data.labels, palette, goalColor);
      var scales = {
        x: { stacked: stacked, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { stacked: stacked, beginAtZero: true, grid: { color: grid }, ticks: { precision: 0 } },
      };
      if (datasets.some(function (d) { return d.yAxisID === "y1"; })) {
        scales.y1 = {
          position: "right",
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          title: { display: true, text: "days" },
        };
      }
      charts.push(new Chart(canvas, {
        type: "bar",
        data: { labels: data.labels, datasets: datasets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: { duration: 250 },
          interaction: { mode: "index", intersect: false },
          scales: scales,
          plugins: {
            legend: {
              display: datasets.length > 1,
              position: "bottom",
              labels: { boxWidth: 10, boxHeight: 10, usePointStyle: true, pointStyle: "rectRounded" },
            },
            tooltip: {
              filter: function (item) { return !item.dataset.isGoal; },
              callbacks: {
                title: function (items) { return items.length ? data.titles[items[0].dataIndex] : ""; },
                label: function (item) {
                  return " " + item.dataset.label + ": " + formatValue(item.raw, item.dataset.unit);
                },
              },
            },
          },
        },
      }));
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand("copy");
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function enhance() {
    document.documentElement.classList.add("kpi-js");
    document.querySelectorAll("[data-copy][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var label = button.getAttribute("data-copy-label") || button.textContent;
    copyText(button.getAttribute("data-copy")).then(
      function () { button.textContent = "Copied"; button.classList.add("copied"); },
      function () { button.textContent = "Copy failed: select the row instead"; }
    );
    window.setTimeout(function () {
      button.textContent = label;
      button.classList.remove("copied");
    }, 2000);
  });

  // Canvases carry no id: htmx copies the old attributes of a same-id element onto the new
  // one while it settles, and Chart.js's inline size would then break style-src 'self'.
  document.body.addEventListener("htmx:beforeSwap", function () {
    if (dataSource()) destroyCharts();
  });

  // The selector shows what the URL asks for. htmx keeps a copy of the page for the back
  // button as markup: a select's or a radio's current value is not in it (only the values
  // the page was first rendered with), and a browser may restore a form's last values on
  // Back. So after a history restore and on every pageshow, the controls are set from the
  // query string, as the server read it: an unknown group is "All", an unknown period the
  // default one.
  function syncControls() {
    var form = document.getElementById("kpi-controls");
    if (!form) return;
    var params = new URLSearchParams(window.location.search);
    var select = form.querySelector('select[name="group"]');
    if (select) {
      var group = (params.get("group") || "").trim();
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === group; });
      select.value = known ? group : "";
    }
    var radios = form.querySelectorAll('input[type="radio"][name="weeks"]');
    var weeks = params.get("weeks");
    var match = Array.prototype.filter.call(radios, function (r) { return r.value === weeks; })[0];
    if (!match) {
      var fallback = form.getAttribute("data-default-weeks");
      match = Array.prototype.filter.call(radios, function (r) { return r.value === fallback; })[0];
    }
    if (match) match.checked = true;
  }

  // Before htmx keeps a copy of the page for the back button: plain canvases in it.
  document.body.addEventListener("htmx:beforeHistorySave", destroyCharts);
  document.body.addEventListener("htmx:historyRestore", function () {
    syncControls();
    enhance();
    draw();
  });
  window.addEventListener("pageshow", syncControls);

  // htmx fires afterSwap on each swapped-in element: draw once, on the next frame.
  var pending = false;
  document.body.addEventListener("htmx:afterSwap", function () {
    if (pending || !dataSource()) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      enhance();
      draw();
    });
  });

  if (window.matchMedia) {
    var scheme = window.matchMedia("(prefers-color-scheme: dark)");
    if (scheme.addEventListener) scheme.addEventListener("change", draw);
  }

  syncControls();
  enhance();
  draw();
})();
