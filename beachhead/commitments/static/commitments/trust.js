// The charts of the trust page (a static file: the Content-Security-Policy runs no inline script).
(function () {
  const weekly = JSON.parse(document.getElementById("weekly-data").textContent);
  const markets = JSON.parse(document.getElementById("market-data").textContent);
  const weeklyChart = document.getElementById("chart-weekly");
  const labels = {kept: weeklyChart.dataset.labelKept, late: weeklyChart.dataset.labelLate, broken: weeklyChart.dataset.labelBroken, share: weeklyChart.dataset.labelShare};
  const wk = echarts.init(weeklyChart);
  wk.setOption({
    tooltip: {trigger: "axis"}, legend: {bottom: 0},
    grid: {left: 40, right: 40, top: 20, bottom: 50},
    xAxis: {type: "category", data: weekly.map(r => r.week)},
    yAxis: [{type: "value", minInterval: 1}, {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}}],
    series: [
      {name: labels.kept, type: "bar", stack: "n", data: weekly.map(r => r.kept), itemStyle: {color: "#2fb344"}},
      {name: labels.late, type: "bar", stack: "n", data: weekly.map(r => r.kept_late), itemStyle: {color: "#f76707"}},
      {name: labels.broken, type: "bar", stack: "n", data: weekly.map(r => r.broken), itemStyle: {color: "#d63939"}},
      {name: labels.share, type: "line", yAxisIndex: 1, smooth: true, data: weekly.map(r => r.on_time_rate === null ? null : Math.round(r.on_time_rate * 1000) / 10), itemStyle: {color: "#066fd1"}}
    ]
  });
  const mk = echarts.init(document.getElementById("chart-market"));
  const sorted = markets.slice().sort((a, b) => (b.on_time_rate ?? 0) - (a.on_time_rate ?? 0));
  mk.setOption({
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: v => v + "%"},
    grid: {left: 60, right: 30, top: 10, bottom: 30},
    xAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}},
    yAxis: {type: "category", data: sorted.map(r => r.key)},
    series: [{type: "bar", name: labels.share, data: sorted.map(r => ({value: Math.round((r.on_time_rate ?? 0) * 1000) / 10, itemStyle: {color: r.on_time_rate >= 0.9 ? "#2fb344" : (r.on_time_rate >= 0.75 ? "#f59f00" : "#d63939")}}))}]
  });
  window.addEventListener("resize", () => { wk.resize(); mk.resize(); });
})();
