mod chart;
mod copy;
mod forms;

pub use chart::{BarChart, Series};
pub use copy::CopyButton;
pub use forms::{Field, Notice, PostForm};
