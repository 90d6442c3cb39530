//! Sends order notifications to the chat webhook.
use std::time::Duration;

async fn notify(webhook: &str, text: &str) -> Result<(), reqwest::Error> {
    let client = reqwest::Client::new();
    client.post(webhook).body(text.to_owned()).send().await?;
    Ok(())
}

fn status_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("static client configuration is valid")
}

#[tokio::main]
async fn main() {
    let webhook = std::env::var("WEBHOOK_URL").expect("WEBHOOK_URL is set");
    let _status = status_client();
    if let Err(e) = notify(&webhook, "orders-notifier started").await {
        eprintln!("notify failed: {e}");
    }
}
