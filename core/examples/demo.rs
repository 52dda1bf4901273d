//! The main job for now: read, update and read again a person's ECBN and the organization's
//! emergency call notification, and show one invalid update being refused before sending.
//!
//! With `WEBEX_ACCESS_TOKEN` and `WEBEX_PERSON_ID` set it runs against Webex; otherwise it starts
//! the bundled simulator. Add `--dry-run` to print the requests instead of sending the updates.

use webex_emergency::*;
use webex_emergency_sim::{Config, Simulator};

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Error> {
    let dry_run = std::env::args().any(|a| a == "--dry-run");
    let real = std::env::var("WEBEX_ACCESS_TOKEN").ok().filter(|t| !t.is_empty());
    let (_sim, client, person) = match real {
        Some(_) => {
            let person = std::env::var("WEBEX_PERSON_ID")
                .map_err(|_| Error::Config("set WEBEX_PERSON_ID to the person to work on".into()))?;
            println!("against {}", client::DEFAULT_BASE_URL);
            (None, Client::builder().build()?, person)
        }
        None => {
            let sim = Simulator::start(Config { size: 1000, ..Config::default() })
                .map_err(|e| Error::Config(format!("cannot start the simulator: {e}")))?;
            println!("no WEBEX_ACCESS_TOKEN: using the bundled simulator at {}", sim.base_url);
            let person = sim.directory(3)["people"][2].as_str().unwrap_or_default().to_string();
            let client = Client::builder().token(webex_emergency_sim::DEFAULT_TOKEN).base_url(&sim.base_url).build()?;
            (Some(sim), client, person)
        }
    };

    let people = client.people();
    let before = people.get_ecbn(&person).await?;
    show("person ECBN before", &before);

    let update = PersonEcbnUpdate { selected: Some(CallbackSelection::LocationEcbn), ..Default::default() };
    let call = people.update_ecbn(&person, &update);
    if dry_run {
        println!("dry run: {}", serde_json::to_string_pretty(&call.dry_run()?).unwrap_or_default());
    } else {
        call.await?;
        println!("updated: selected = LOCATION_ECBN");
        show("person ECBN after", &people.get_ecbn(&person).await?);
    }

    let notifications = client.notifications();
    let org = notifications.get_org().await?;
    println!(
        "org notification before: enabled={:?} email={:?}",
        org.emergency_call_notification_enabled, org.email_address
    );
    let change = OrgNotificationUpdate {
        emergency_call_notification_enabled: Some(true),
        email_address: Some("e911-desk@example.com".into()),
        ..Default::default()
    };
    let call = notifications.update_org(&change);
    if dry_run {
        println!("dry run: {}", serde_json::to_string_pretty(&call.dry_run()?).unwrap_or_default());
    } else {
        call.await?;
        let org = notifications.get_org().await?;
        println!(
            "org notification after: enabled={:?} email={:?}",
            org.emergency_call_notification_enabled, org.email_address
        );
    }

    // A mistake a script could make: LOCATION_MEMBER_NUMBER without the member.
    let bad = PersonEcbnUpdate { selected: Some(CallbackSelection::LocationMemberNumber), ..Default::default() };
    match people.update_ecbn(&person, &bad).await {
        Err(e @ Error::Validation(_)) => println!("refused before sending, as it should be: {e}"),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}

fn show(label: &str, e: &Ecbn) {
    let info = e.direct_line_info.clone().unwrap_or_default();
    println!(
        "{label}: selected={} number={} quality={}",
        e.selected.as_ref().map(|s| s.to_string()).unwrap_or_default(),
        info.effective_value.unwrap_or_default(),
        info.quality.map(|q| q.to_string()).unwrap_or_default()
    );
}
