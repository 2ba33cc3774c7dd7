"""The WhatsApp Cloud API channel: webhook intake into the durable inbox, ordered turns through Rasa's REST
channel, and replies through the Graph API (docs/whatsapp.md)."""
