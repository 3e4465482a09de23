// The charts of the market plan (a static file: the Content-Security-Policy runs no inline script).
(function () {
  var labels = JSON.parse(document.getElementById("chart-labels").textContent);
  var coverage = JSON.parse(document.getElementById("coverage-data").textContent);
  var deep = JSON.parse(document.getElementById("deep-data").textContent);
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return;
    var chart = echarts.init(el, null, {renderer: "svg"});
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var colours = {assigned: "#74b9ff", contacted: "#4299e1", pilot: "#ae3ec9", won: "#2fb344"};
  draw("chart-coverage", {
    tooltip: {trigger: "axis"}, legend: {bottom: 0},
    grid: {left: 40, right: 10, top: 10, bottom: 50},
    xAxis: {type: "category", data: coverage.map(function (r) { return r.code; })},
    yAxis: {type: "value", minInterval: 1},
    series: ["assigned", "contacted", "pilot", "won"].map(function (key) {
      return {name: labels[key], type: "bar", data: coverage.map(function (r) { return r[key]; }), itemStyle: {color: colours[key]}};
    })
  });
  draw("chart-deep", {
    tooltip: {trigger: "axis"},
    grid: {left: 40, right: 10, top: 10, bottom: 30},
    xAxis: {type: "category", data: deep.map(function (r) { return r.month; })},
    yAxis: {type: "value", minInterval: 1},
    series: [{name: labels.deep, type: "line", step: "end", areaStyle: {opacity: 0.15}, data: deep.map(function (r) { return r.count; }), itemStyle: {color: "#4263eb"}}]
  });
})();
