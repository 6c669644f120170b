from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.connect_shop_platform import ConnectShopPlatform
from ...models.connect_shop_response_connectshop import ConnectShopResponseConnectshop
from ...models.connection_request import ConnectionRequest
from ...models.problem import Problem
from typing import cast



def _get_kwargs(
    platform: ConnectShopPlatform,
    shop: str,
    *,
    body: ConnectionRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/integrations/{platform}/{shop}".format(platform=quote(str(platform), safe=""),shop=quote(str(shop), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ConnectShopResponseConnectshop | Problem | None:
    if response.status_code == 200:
        response_200 = ConnectShopResponseConnectshop.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ConnectShopResponseConnectshop | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    platform: ConnectShopPlatform,
    shop: str,
    *,
    client: AuthenticatedClient,
    body: ConnectionRequest,

) -> Response[ConnectShopResponseConnectshop | Problem]:
    """ Connect Shop

     Connect a shop (or change its secret): its webhooks are then accepted when signed with the secret.

    Args:
        platform (ConnectShopPlatform):
        shop (str): The shop as the platform names it: `my-shop.myshopify.com`, a site host, a
            Haravan org id, a KiotViet retailer
        body (ConnectionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConnectShopResponseConnectshop | Problem]
     """


    kwargs = _get_kwargs(
        platform=platform,
shop=shop,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    platform: ConnectShopPlatform,
    shop: str,
    *,
    client: AuthenticatedClient,
    body: ConnectionRequest,

) -> ConnectShopResponseConnectshop | Problem | None:
    """ Connect Shop

     Connect a shop (or change its secret): its webhooks are then accepted when signed with the secret.

    Args:
        platform (ConnectShopPlatform):
        shop (str): The shop as the platform names it: `my-shop.myshopify.com`, a site host, a
            Haravan org id, a KiotViet retailer
        body (ConnectionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConnectShopResponseConnectshop | Problem
     """


    return sync_detailed(
        platform=platform,
shop=shop,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    platform: ConnectShopPlatform,
    shop: str,
    *,
    client: AuthenticatedClient,
    body: ConnectionRequest,

) -> Response[ConnectShopResponseConnectshop | Problem]:
    """ Connect Shop

     Connect a shop (or change its secret): its webhooks are then accepted when signed with the secret.

    Args:
        platform (ConnectShopPlatform):
        shop (str): The shop as the platform names it: `my-shop.myshopify.com`, a site host, a
            Haravan org id, a KiotViet retailer
        body (ConnectionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConnectShopResponseConnectshop | Problem]
     """


    kwargs = _get_kwargs(
        platform=platform,
shop=shop,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    platform: ConnectShopPlatform,
    shop: str,
    *,
    client: AuthenticatedClient,
    body: ConnectionRequest,

) -> ConnectShopResponseConnectshop | Problem | None:
    """ Connect Shop

     Connect a shop (or change its secret): its webhooks are then accepted when signed with the secret.

    Args:
        platform (ConnectShopPlatform):
        shop (str): The shop as the platform names it: `my-shop.myshopify.com`, a site host, a
            Haravan org id, a KiotViet retailer
        body (ConnectionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConnectShopResponseConnectshop | Problem
     """


    return (await asyncio_detailed(
        platform=platform,
shop=shop,
client=client,
body=body,

    )).parsed
