// Dashboard charts. Each <div data-chart="KIND" data-source="NAME"> is drawn from the
// json_script block "dashboard-data"; the table beside each chart holds the same numbers.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  // The status colours of the stylesheet (app.css), so chart and badges agree.
  var COLOURS = {
    completed: "#4a6fc4", on_track: "#3f8f4d", ongoing: "#2f8793", at_risk: "#d19a1c",
    behind: "#c0463e", not_started: "#9aa3ae", on_time: "#3f8f4d", late: "#d19a1c",
    missing: "#c0463e", returned: "#8e5bb5",
  };
  var grid = { containLabel: true, left: 8, right: 16, top: 40, bottom: 8 };

  function stackedBars(spec) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: {},
      grid: grid,
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: spec.categories },
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "all", data: s.data,
                 itemStyle: { color: COLOURS[s.key] } };
      }),
    };
  }

  // Lines over dates or years; `target` draws the 100% line (an indicator's target).
  function lines(spec, target) {
    return {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      legend: { type: "scroll" },
      grid: grid,
      xAxis: { type: "category", boundaryGap: false, data: spec.categories },
      yAxis: { type: "value", min: 0, axisLabel: { formatter: "{value}%" } },
      series: spec.series.map(function (s, i) {
        var line = { name: s.name, type: "line", data: s.data, connectNulls: true };
        if (i === 0 && target) {
          line.markLine = { silent: true, symbol: "none", data: [{ yAxis: 100 }] };
        }
        return line;
      }),
    };
  }

  var KINDS = {
    "stacked-bars": function (spec) { return stackedBars(spec); },
    "trend": function (spec) { return lines(spec, false); },
    "by-year": function (spec) { return lines(spec, true); },
  };

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var spec = data[el.getAttribute("data-source")];
    var kind = KINDS[el.getAttribute("data-chart")];
    if (!spec || !kind) { return; }
    // A long list of bars gets the height it needs instead of squeezing its labels.
    if (spec.categories && el.getAttribute("data-chart") === "stacked-bars" && spec.categories.length > 8) {
      el.style.height = (spec.categories.length * 28 + 80) + "px";
    }
    var chart = echarts.init(el);
    chart.setOption(kind(spec));
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
