//! A stacked bar chart drawn as SVG on the server, so it reads without JavaScript. Each
//! bar carries an SVG `<title>` (the browser's own tooltip) and the chart has a data table
//! beside it; once hydrated, hovering or focusing a bar shows a richer tooltip.

use leptos::prelude::*;

/// One stacked series: its legend name and the CSS class that colours it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Series {
    pub name: &'static str,
    pub class: &'static str,
}

const W: f64 = 720.0;
const H: f64 = 220.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 26.0;

/// The smallest 1, 2 or 5 × 10ⁿ at or above `max`, so axis labels are round numbers.
fn nice_ceiling(max: u64) -> u64 {
    let mut scale = 1u64;
    loop {
        for step in [1, 2, 5] {
            if step * scale >= max {
                return step * scale;
            }
        }
        scale = scale.saturating_mul(10);
    }
}

fn describe(label: &str, series: &[Series], values: &[u64]) -> String {
    let parts: Vec<String> = series
        .iter()
        .zip(values)
        .map(|(s, v)| format!("{v} {}", s.name.to_lowercase()))
        .collect();
    format!("{label}: {}", parts.join(", "))
}

/// `values[i][j]` is series `j` in bucket `i`, labelled `labels[i]`.
#[component]
pub fn BarChart(
    id: &'static str,
    title: String,
    series: Vec<Series>,
    labels: Vec<String>,
    values: Vec<Vec<u64>>,
) -> impl IntoView {
    let n = labels.len().max(1);
    let totals: Vec<u64> = values.iter().map(|v| v.iter().sum()).collect();
    let top = nice_ceiling(totals.iter().copied().max().unwrap_or(0).max(1));
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let slot = plot_w / n as f64;
    let y = move |v: u64| TOP + plot_h - v as f64 / top as f64 * plot_h;
    let label_every = n.div_ceil(8);
    let hover = RwSignal::new(None::<usize>);

    let mut levels = vec![0, top / 2, top];
    levels.dedup();
    let ticks = levels
        .into_iter()
        .map(|t| {
            view! {
                <g class="tick">
                    <line x1=LEFT x2=W - RIGHT y1=y(t) y2=y(t)/>
                    <text x=LEFT - 6.0 y=y(t) + 4.0 text-anchor="end">{t}</text>
                </g>
            }
        })
        .collect_view();
    let bars = values.iter().enumerate().map(|(i, stack)| {
        let x = LEFT + slot * i as f64 + slot * 0.15;
        let mut base = 0u64;
        let rects = stack.iter().zip(&series).map(|(&v, s)| {
            let (y0, y1) = (y(base), y(base + v));
            base += v;
            view! { <rect class=s.class x=x y=y1 width=slot * 0.7 height=y0 - y1/> }
        }).collect_view();
        let text = describe(&labels[i], &series, stack);
        let tick = (i % label_every == 0).then(|| view! {
            <text class="x-label" x=LEFT + slot * (i as f64 + 0.5) y=H - 8.0 text-anchor="middle">{labels[i].clone()}</text>
        });
        view! {
            <g class="bar" tabindex="0"
                on:mouseenter=move |_| hover.set(Some(i)) on:mouseleave=move |_| hover.set(None)
                on:focus=move |_| hover.set(Some(i)) on:blur=move |_| hover.set(None)>
                <title>{text}</title>
                <rect class="hit" x=LEFT + slot * i as f64 y=TOP width=slot height=plot_h/>
                {rects}
            </g>
            {tick}
        }
    }).collect_view();
    let empty = (totals.iter().all(|&t| t == 0)).then(|| view! {
        <text class="empty" x=LEFT + plot_w / 2.0 y=TOP + plot_h / 2.0 text-anchor="middle">"No activity in this range"</text>
    });

    let tip_labels = labels.clone();
    let tip_values = values.clone();
    let tip_series = series.clone();
    let tooltip = move || {
        hover.get().map(|i| {
            let left = (LEFT + slot * (i as f64 + 0.5)) / W * 100.0;
            view! {
                <div class="chart-tip" role="status" style=format!("left: {left:.1}%")>
                    <strong>{tip_labels[i].clone()}</strong>
                    <ul>
                        {tip_series.iter().zip(&tip_values[i]).map(|(s, v)| view! {
                            <li><span class=format!("swatch {}", s.class)></span>{format!("{} {v}", s.name)}</li>
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    };

    let title_id = format!("{id}-title");
    view! {
        <figure class="chart" id=id>
            <figcaption id=title_id.clone()>{title.clone()}</figcaption>
            <ul class="legend">
                {series.iter().map(|s| view! { <li><span class=format!("swatch {}", s.class)></span>{s.name}</li> }).collect_view()}
            </ul>
            <div class="chart-area">
                <svg viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby=title_id>
                    {ticks}
                    {bars}
                    {empty}
                </svg>
                {tooltip}
            </div>
            <details class="chart-data">
                <summary>"Data table"</summary>
                <div class="table-wrap">
                    <table>
                        <caption class="sr-only">{title}</caption>
                        <thead><tr>
                            <th scope="col">"Period"</th>
                            {series.iter().map(|s| view! { <th scope="col">{s.name}</th> }).collect_view()}
                            <th scope="col">"Total"</th>
                        </tr></thead>
                        <tbody>
                            {labels.iter().zip(&values).zip(&totals).map(|((label, row), total)| view! {
                                <tr>
                                    <th scope="row">{label.clone()}</th>
                                    {row.iter().map(|v| view! { <td>{*v}</td> }).collect_view()}
                                    <td>{*total}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops_are_round_numbers_at_or_above_the_maximum() {
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(120), 200);
        assert_eq!(nice_ceiling(500), 500);
    }

    #[test]
    fn bar_descriptions_name_every_series() {
        let series = [
            Series {
                name: "Password",
                class: "a",
            },
            Series {
                name: "Refresh",
                class: "b",
            },
        ];
        assert_eq!(
            describe("11-20", &series, &[3, 0]),
            "11-20: 3 password, 0 refresh"
        );
    }
}
