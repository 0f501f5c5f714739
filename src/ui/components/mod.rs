mod copy;
mod forms;

pub use copy::CopyButton;
pub use forms::{Field, Notice, PostForm};
