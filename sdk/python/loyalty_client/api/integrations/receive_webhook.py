from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.receive_webhook_platform import ReceiveWebhookPlatform
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    platform: ReceiveWebhookPlatform,
    shop: str,
    *,
    topic: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_topic: None | str | Unset
    if isinstance(topic, Unset):
        json_topic = UNSET
    else:
        json_topic = topic
    params["topic"] = json_topic


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/integrations/{platform}/{shop}/webhooks".format(platform=quote(str(platform), safe=""),shop=quote(str(shop), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 200:
        response_200 = response.json()
        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())



        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    platform: ReceiveWebhookPlatform,
    shop: str,
    *,
    client: AuthenticatedClient | Client,
    topic: None | str | Unset = UNSET,

) -> Response[Any | Problem]:
    """ Receive Webhook

     Receive a platform's signed order, refund or cancellation webhook.

    Args:
        platform (ReceiveWebhookPlatform):
        shop (str): The shop as the platform names it: `my-shop.myshopify.com`, a site host, a
            Haravan org id, a KiotViet retailer
        topic (None | str | Unset): For platforms that do not name the event in a header

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
     """


    kwargs = _get_kwargs(
        platform=platform,
shop=shop,
topic=topic,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    platform: ReceiveWebhookPlatform,
    shop: str,
    *,
    client: AuthenticatedClient | Client,
    topic: None | str | Unset = UNSET,

) -> Any | Problem | None:
    """ Receive Webhook

     Receive a platform's signed order, refund or cancellation webhook.

    Args:
        platform (ReceiveWebhookPlatform):
        shop (str): The shop as the platform names it: `my-shop.myshopify.com`, a site host, a
            Haravan org id, a KiotViet retailer
        topic (None | str | Unset): For platforms that do not name the event in a header

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
     """


    return sync_detailed(
        platform=platform,
shop=shop,
client=client,
topic=topic,

    ).parsed

async def asyncio_detailed(
    platform: ReceiveWebhookPlatform,
    shop: str,
    *,
    client: AuthenticatedClient | Client,
    topic: None | str | Unset = UNSET,

) -> Response[Any | Problem]:
    """ Receive Webhook

     Receive a platform's signed order, refund or cancellation webhook.

    Args:
        platform (ReceiveWebhookPlatform):
        shop (str): The shop as the platform names it: `my-shop.myshopify.com`, a site host, a
            Haravan org id, a KiotViet retailer
        topic (None | str | Unset): For platforms that do not name the event in a header

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
     """


    kwargs = _get_kwargs(
        platform=platform,
shop=shop,
topic=topic,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    platform: ReceiveWebhookPlatform,
    shop: str,
    *,
    client: AuthenticatedClient | Client,
    topic: None | str | Unset = UNSET,

) -> Any | Problem | None:
    """ Receive Webhook

     Receive a platform's signed order, refund or cancellation webhook.

    Args:
        platform (ReceiveWebhookPlatform):
        shop (str): The shop as the platform names it: `my-shop.myshopify.com`, a site host, a
            Haravan org id, a KiotViet retailer
        topic (None | str | Unset): For platforms that do not name the event in a header

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
     """


    return (await asyncio_detailed(
        platform=platform,
shop=shop,
client=client,
topic=topic,

    )).parsed
