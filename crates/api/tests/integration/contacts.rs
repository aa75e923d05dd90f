//! Contacts over HTTP: paging, search, tags; created or updated by phone
//! with the app's phone rules; tags and fields; bad JSON; the body limit.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::fields::{self, FieldInput, FieldKind};
use zapdesk_core::tags::{self, TagInput};

use crate::support::{self, ALL, code};

#[tokio::test]
async fn contacts_are_paged_searched_and_filtered_by_tag() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    let token = api.token(Some(acc), ALL).await;
    let vip = tags::create(
        api.store(),
        acc,
        &TagInput {
            name: "VIP".into(),
            color: "#f59e0b".into(),
        },
    )
    .await
    .unwrap();
    let mut vips = Vec::new();
    for i in 0..120 {
        let c = contacts::create(
            api.store(),
            acc,
            &ContactInput {
                phone: format!("+55119{:08}", 10_000_000 + i),
                name: Some(if i % 3 == 0 {
                    format!("Maria {i:03}")
                } else {
                    format!("Cliente {i:03}")
                }),
            },
        )
        .await
        .unwrap();
        if i % 10 == 0 {
            vips.push(c.id);
        }
    }
    tags::apply(api.store(), acc, vip.id, &vips, true)
        .await
        .unwrap();

    let path = format!("/api/accounts/{acc}/contacts");
    let mut seen = std::collections::HashSet::new();
    for offset in [0, 50, 100] {
        let (s, page) = api
            .get(&format!("{path}?limit=50&offset={offset}"), &token)
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(page["total"], 120);
        assert_eq!(page["offset"], offset);
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), if offset == 100 { 20 } else { 50 });
        for item in items {
            assert!(seen.insert(item["id"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(seen.len(), 120);
    // Without a limit: 50.
    let (_, page) = api.get(&path, &token).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 50);
    // Named first, by name: the first page starts at "Cliente 001".
    assert_eq!(page["items"][0]["name"], "Cliente 001");

    // By name, accents and case ignored; by the digits of the phone.
    let (_, found) = api.get(&format!("{path}?search=M%C3%A1RIA"), &token).await;
    assert_eq!(found["total"], 40, "Maria 000, 003, …, 117");
    let (_, by_phone) = api.get(&format!("{path}?search=10000119"), &token).await;
    assert_eq!(by_phone["total"], 1);
    let (_, by_name) = api.get(&format!("{path}?tag=vip&limit=500"), &token).await;
    assert_eq!(by_name["total"], 12);
    assert!(
        by_name["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["tags"] == json!([vip.id.to_string()]))
    );
    let (_, by_id) = api.get(&format!("{path}?tag={}", vip.id), &token).await;
    assert_eq!(by_id["total"], 12);
    let (s, none) = api.get(&format!("{path}?tag=inexistente"), &token).await;
    assert_eq!((s, none["total"].clone()), (StatusCode::OK, json!(0)));
    // `tag` repeated: contacts with every one of them.
    let atacado = tags::create(
        api.store(),
        acc,
        &TagInput {
            name: "Atacado".into(),
            color: "#10b981".into(),
        },
    )
    .await
    .unwrap();
    let wholesale: Vec<_> = vips.iter().take(3).copied().collect();
    tags::apply(api.store(), acc, atacado.id, &wholesale, true)
        .await
        .unwrap();
    let (s, both) = api
        .get(&format!("{path}?tag=VIP&tag=Atacado&limit=500"), &token)
        .await;
    assert_eq!(s, StatusCode::OK, "{both}");
    assert_eq!(both["total"], 3);
    let (_, both) = api
        .get(
            &format!("{path}?tag=VIP&tag={}&tag=inexistente", atacado.id),
            &token,
        )
        .await;
    assert_eq!(both["total"], 0);

    // A limit out of range is clamped; one that is no number is refused.
    let (_, big) = api.get(&format!("{path}?limit=100000"), &token).await;
    assert_eq!(big["items"].as_array().unwrap().len(), 120);
    let (s, bad) = api.get(&format!("{path}?limit=muitos"), &token).await;
    assert_eq!(
        (s, code(&bad)),
        (StatusCode::BAD_REQUEST, "api_bad_request")
    );
}

#[tokio::test]
async fn a_contact_is_created_or_updated_by_phone_with_tags_and_fields() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    let token = api.token(Some(acc), ALL).await;
    fields::create(
        api.store(),
        acc,
        &FieldInput {
            label: "Plano".into(),
            kind: FieldKind::Text,
            choices: Vec::new(),
        },
    )
    .await
    .unwrap();
    let path = format!("/api/accounts/{acc}/contacts");

    // Old format, no country code: the app's rules make it +5511987654321.
    let (s, made) = api
        .post(
            &path,
            &token,
            json!({"phone": "(11) 8765-4321", "name": "Ana", "tags": ["Cliente novo"], "fields": {"plano": "ouro"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    assert_eq!(made["phone"], "+5511987654321");
    assert_eq!(made["name"], "Ana");
    assert_eq!(made["tag_names"], json!(["Cliente novo"]));
    assert_eq!(made["fields"], json!({"plano": "ouro"}));

    // The same phone written another way: the same contact, updated.
    let (s, again) = api
        .post(
            &path,
            &token,
            json!({"phone": "+55 11 98765-4321", "name": "Ana Souza", "tags": ["VIP"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["id"], made["id"]);
    assert_eq!(again["name"], "Ana Souza");
    assert_eq!(again["tag_names"], json!(["Cliente novo", "VIP"]));
    let (_, page) = api.get(&path, &token).await;
    assert_eq!(page["total"], 1);

    let id = made["id"].as_str().unwrap();
    let one = format!("{path}/{id}");
    let (s, got) = api.get(&one, &token).await;
    assert_eq!((s, got["id"].clone()), (StatusCode::OK, made["id"].clone()));
    // Tags off and on, fields set and cleared.
    let (s, untagged) = api
        .call(
            Method::DELETE,
            &format!("{one}/tags/vip"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(untagged["tag_names"], json!(["Cliente novo"]));
    let (_, tagged) = api
        .post(&format!("{one}/tags"), &token, json!({"tags": ["VIP"]}))
        .await;
    assert_eq!(tagged["tag_names"], json!(["Cliente novo", "VIP"]));
    let (s, cleared) = api
        .call(
            Method::PUT,
            &format!("{one}/fields"),
            Some(&token),
            Some(json!({"plano": ""})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{cleared}");
    assert_eq!(cleared["fields"], json!({}));
    let (s, unknown) = api
        .call(
            Method::PUT,
            &format!("{one}/fields"),
            Some(&token),
            Some(json!({"cor": "azul"})),
        )
        .await;
    assert_eq!(
        (s, code(&unknown)),
        (StatusCode::NOT_FOUND, "field_unknown")
    );

    // Refusals the app's rules make, with their codes.
    let (s, bad) = api.post(&path, &token, json!({"phone": "123"})).await;
    assert_eq!(
        (s, code(&bad)),
        (StatusCode::UNPROCESSABLE_ENTITY, "phone_invalid")
    );
    let (_, tags_listed) = api.get(&format!("/api/accounts/{acc}/tags"), &token).await;
    assert_eq!(tags_listed.as_array().unwrap().len(), 2);
    let (s, dup) = api
        .post(
            &format!("/api/accounts/{acc}/tags"),
            &token,
            json!({"name": "vip"}),
        )
        .await;
    assert_eq!((s, code(&dup)), (StatusCode::CONFLICT, "tag_duplicate"));
    let (_, listed_fields) = api
        .get(&format!("/api/accounts/{acc}/fields"), &token)
        .await;
    assert_eq!(listed_fields[0]["key"], "plano");
}

#[tokio::test]
async fn bad_json_a_wrong_id_and_an_oversized_body_are_refused_in_shape() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    let token = api.token(Some(acc), ALL).await;
    let path = format!("{}/api/accounts/{acc}/contacts", api.base);
    let raw = |body: String, content_type: &'static str| {
        api.http
            .post(&path)
            .bearer_auth(&token)
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    for (body, content_type) in [
        ("{\"phone\": ".to_owned(), "application/json"),
        (
            "{\"name\": \"sem telefone\"}".to_owned(),
            "application/json",
        ),
        ("{\"phone\": 42}".to_owned(), "application/json"),
        (
            "{\"phone\": \"11987654321\", \"extra\": 1}".to_owned(),
            "application/json",
        ),
        (
            "phone=11987654321".to_owned(),
            "application/x-www-form-urlencoded",
        ),
    ] {
        let (s, answer) = support::read(raw(body.clone(), content_type).await.unwrap()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(code(&answer), "api_bad_request");
    }
    // A body over 1 MiB: 413, nothing read.
    let big = json!({"phone": "11987654321", "name": "x".repeat(1024 * 1024 + 10)}).to_string();
    let (s, answer) = support::read(raw(big, "application/json").await.unwrap()).await;
    assert_eq!(
        (s, code(&answer)),
        (StatusCode::PAYLOAD_TOO_LARGE, "api_body_too_large")
    );
    // An id that is not a UUID, a path that is no route, a method it does not take.
    let (s, answer) = api.get("/api/accounts/nao-e-uuid/contacts", &token).await;
    assert_eq!((s, code(&answer)), (StatusCode::BAD_REQUEST, "id_invalid"));
    let (s, answer) = api.get("/api/contas", &token).await;
    assert_eq!((s, code(&answer)), (StatusCode::NOT_FOUND, "api_not_found"));
    let (s, answer) = api
        .call(
            Method::DELETE,
            &format!("/api/accounts/{acc}/contacts"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        (s, code(&answer)),
        (StatusCode::METHOD_NOT_ALLOWED, "api_not_found")
    );
    let _: Value = answer;
}

#[tokio::test]
async fn control_characters_are_refused_at_the_edge_not_with_a_500() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    api.number(acc, "vendas").await;
    let token = api.token(Some(acc), ALL).await;
    let contact = contacts::create(
        api.store(),
        acc,
        &ContactInput {
            phone: "+5511987654321".into(),
            name: None,
        },
    )
    .await
    .unwrap();
    let contacts_path = format!("/api/accounts/{acc}/contacts");
    let refusals = [
        (
            contacts_path.clone(),
            json!({"phone": "11987654321", "name": "\u{0}"}),
        ),
        (
            contacts_path.clone(),
            json!({"phone": "11987654321", "name": "Maria", "tags": ["V\u{0}IP"]}),
        ),
        (
            format!("/api/accounts/{acc}/tags"),
            json!({"name": "\u{0}"}),
        ),
        (
            format!("/api/accounts/{acc}/contacts/{}/tags", contact.id),
            json!({"tags": ["cliente\u{1b}[31m"]}),
        ),
        (
            format!("/api/accounts/{acc}/contacts/{}/fields", contact.id),
            json!({"pla\u{0}no": "ouro"}),
        ),
        (
            "/evolution/message/sendText/vendas".to_owned(),
            json!({"number": "5511987654321", "text": "Oi", "messageId": "\u{0}"}),
        ),
    ];
    for (path, body) in refusals {
        let method = if path.ends_with("/fields") {
            Method::PUT
        } else {
            Method::POST
        };
        let request = api
            .http
            .request(method, format!("{}{path}", api.base))
            .bearer_auth(&token)
            .header("apikey", &token)
            .header("Accept-Language", "en")
            .json(&body);
        let (s, answer) = support::read(request.send().await.unwrap()).await;
        assert_eq!(
            (s, code(&answer)),
            (StatusCode::BAD_REQUEST, "api_bad_request"),
            "{path} {body}: {answer}"
        );
        assert!(
            answer["message"]
                .as_str()
                .unwrap()
                .contains("control character"),
            "{answer}"
        );
    }
    // Evolution's messageId is an idempotency key: checked as the header is.
    let (s, answer) = api
        .post(
            "/evolution/message/sendText/vendas",
            &token,
            json!({"number": "5511987654321", "text": "Oi", "messageId": "k".repeat(256)}),
        )
        .await;
    assert_eq!(
        (s, code(&answer)),
        (StatusCode::BAD_REQUEST, "api_bad_request")
    );
    // In the query and the path too.
    let (s, answer) = api
        .get(&format!("{contacts_path}?search=%00"), &token)
        .await;
    assert_eq!(
        (s, code(&answer)),
        (StatusCode::BAD_REQUEST, "api_bad_request")
    );
    let (s, answer) = api
        .get("/evolution/instance/connectionState/ven%00das", &token)
        .await;
    assert_eq!(
        (s, code(&answer)),
        (StatusCode::BAD_REQUEST, "api_bad_request")
    );
    // Nothing was written; line breaks in a message stay fine.
    assert_eq!(
        contacts::get(api.store(), acc, contact.id)
            .await
            .unwrap()
            .name,
        None
    );
    let (s, sent) = api
        .post(
            &format!("/api/accounts/{acc}/send"),
            &token,
            json!({"phone": "11987654321", "text": "Olá!\n\tSeu pedido saiu."}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{sent}");
}
