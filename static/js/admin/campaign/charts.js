// Charts of the campaign screens, drawn with Chart.js from npm (served at /vendor/, never a CDN).
// Every chart has its numbers in a table beside it: the canvas only repeats them for the eye.
import "/vendor/chart.umd.min.js"; // the self-contained build sets globalThis.Chart (see inbox/web/vendor.py)

const Chart = globalThis.Chart;

const COLORS = {
  accent: "#2f5d50",
  accentSoft: "#8db8a6",
  blue: "#4a6fa5",
  grey: "#9aa5a0",
  danger: "#b42318",
  warn: "#b7791f",
  violet: "#6b5b95",
  text: "#3f4a45",
  line: "#e1e5e3",
};

const BASE = {
  responsive: true,
  maintainAspectRatio: false,
  animation: false, // calm: numbers change live, bars should not bounce each second
  font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
};

if (Chart) {
  Chart.defaults.color = COLORS.text;
  Chart.defaults.borderColor = COLORS.line;
  Chart.defaults.font.family = BASE.font.family;
}

export const FUNNEL_STEPS = [
  ["targeted", "Targeted", COLORS.grey],
  ["sent", "Sent", COLORS.blue],
  ["delivered", "Delivered", COLORS.accent],
  ["failed", "Failed", COLORS.danger],
  ["replies", "Replies", COLORS.violet],
  ["opt_outs", "Opt-outs", COLORS.warn],
];

/** A horizontal bar per funnel step; returns {update(funnel)}. */
export function funnelChart(canvas, funnel) {
  if (!Chart) return { update() {} };
  const chart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: FUNNEL_STEPS.map(([, label]) => label),
      datasets: [
        {
          label: "Recipients",
          data: FUNNEL_STEPS.map(([key]) => funnel[key] || 0),
          backgroundColor: FUNNEL_STEPS.map(([, , color]) => color),
          borderRadius: 4,
          barPercentage: 0.75,
        },
      ],
    },
    options: {
      ...BASE,
      indexAxis: "y",
      plugins: { legend: { display: false } },
      scales: {
        x: { beginAtZero: true, ticks: { precision: 0 } },
        y: { grid: { display: false } },
      },
    },
  });
  return {
    update(next) {
      chart.data.datasets[0].data = FUNNEL_STEPS.map(([key]) => next[key] || 0);
      chart.update("none");
    },
  };
}

/** Texts in and out per day as bars, opt-outs as a line; returns {update(days)}. */
export function dailyChart(canvas, days) {
  if (!Chart) return { update() {} };
  const labels = (rows) => rows.map((d) => d.date.slice(5)); // "03-14": the year is in the table
  const chart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: labels(days),
      datasets: [
        { label: "Texts in", data: days.map((d) => d.inbound), backgroundColor: COLORS.blue, borderRadius: 3 },
        { label: "Texts out", data: days.map((d) => d.outbound), backgroundColor: COLORS.accentSoft, borderRadius: 3 },
        {
          label: "Opt-outs",
          type: "line",
          data: days.map((d) => d.opt_outs),
          borderColor: COLORS.danger,
          backgroundColor: COLORS.danger,
          pointRadius: 2,
          tension: 0.2,
        },
      ],
    },
    options: {
      ...BASE,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 } },
        x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 8 } },
      },
    },
  });
  return {
    update(next) {
      chart.data.labels = labels(next);
      chart.data.datasets[0].data = next.map((d) => d.inbound);
      chart.data.datasets[1].data = next.map((d) => d.outbound);
      chart.data.datasets[2].data = next.map((d) => d.opt_outs);
      chart.update("none");
    },
  };
}
